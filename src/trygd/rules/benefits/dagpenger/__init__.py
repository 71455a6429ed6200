"""The home of dagpenger: its rules (`rules.py`) and everything else trygd says about it."""

from __future__ import annotations

from trygd.rules.benefits.dagpenger.rules import DAGPENGER

__all__ = ["DAGPENGER"]
