"""The benefit chapters trygd assesses, by id."""

from __future__ import annotations

from trygd.rules.benefits.aap import AAP
from trygd.rules.benefits.dagpenger import DAGPENGER
from trygd.rules.benefits.sykepenger import SYKEPENGER
from trygd.rules.benefits.uforetrygd import UFORETRYGD
from trygd.rules.declarations import Benefit

BENEFITS: dict[str, Benefit] = {
    benefit.id: benefit for benefit in (AAP, DAGPENGER, SYKEPENGER, UFORETRYGD)
}
