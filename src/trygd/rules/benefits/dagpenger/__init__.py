"""The home of dagpenger: its rules (`rules.py`) and everything else trygd says about it
(`profile.py`); its texts are in rules/texts/dagpenger.toml, its parameters in
rules/parameters/dagpenger.toml and its page and letter wording in the gettext catalogues."""

from __future__ import annotations

from trygd.rules.benefits.dagpenger.profile import PROFILE
from trygd.rules.benefits.dagpenger.rules import DAGPENGER

__all__ = ["DAGPENGER", "PROFILE"]
