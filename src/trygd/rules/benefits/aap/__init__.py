"""The home of aap: its rules (`rules.py`) and everything else trygd says about it
(`profile.py`); its texts are in rules/texts/aap.toml, its parameters in
rules/parameters/aap.toml and its page and letter wording in the gettext catalogues."""

from __future__ import annotations

from trygd.rules.benefits.aap.profile import PROFILE
from trygd.rules.benefits.aap.rules import AAP

__all__ = ["AAP", "PROFILE"]
