"""The home of aap: its rules (`rules.py`) and everything else trygd says about it."""

from __future__ import annotations

from trygd.rules.benefits.aap.rules import AAP

__all__ = ["AAP"]
