"""The home of uforetrygd: its rules (`rules.py`) and everything else trygd says about it
(`profile.py`); its texts are in rules/texts/uforetrygd.toml, its parameters in
rules/parameters/uforetrygd.toml and its page and letter wording in the gettext catalogues."""

from __future__ import annotations

from trygd.rules.benefits.uforetrygd.profile import PROFILE
from trygd.rules.benefits.uforetrygd.rules import UFORETRYGD

__all__ = ["PROFILE", "UFORETRYGD"]
