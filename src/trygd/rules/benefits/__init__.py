"""The benefit chapters trygd assesses, by id."""

from __future__ import annotations

from trygd.rules.benefits.dagpenger import DAGPENGER
from trygd.rules.declarations import Benefit

BENEFITS: dict[str, Benefit] = {benefit.id: benefit for benefit in (DAGPENGER,)}
