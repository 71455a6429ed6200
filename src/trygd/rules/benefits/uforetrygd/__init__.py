"""The home of uforetrygd: its rules (`rules.py`) and everything else trygd says about it."""

from __future__ import annotations

from trygd.rules.benefits.uforetrygd.rules import UFORETRYGD

__all__ = ["UFORETRYGD"]
