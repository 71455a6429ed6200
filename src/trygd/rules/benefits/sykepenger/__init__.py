"""The home of sykepenger: its rules (`rules.py`) and everything else trygd says about it."""

from __future__ import annotations

from trygd.rules.benefits.sykepenger.rules import SYKEPENGER

__all__ = ["SYKEPENGER"]
