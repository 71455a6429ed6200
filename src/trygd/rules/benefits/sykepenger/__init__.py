"""The home of sykepenger: its rules (`rules.py`) and everything else trygd says about it
(`profile.py`); its texts are in rules/texts/sykepenger.toml, its parameters in
rules/parameters/sykepenger.toml and its page and letter wording in the gettext catalogues."""

from __future__ import annotations

from trygd.rules.benefits.sykepenger.profile import PROFILE
from trygd.rules.benefits.sykepenger.rules import SYKEPENGER

__all__ = ["PROFILE", "SYKEPENGER"]
