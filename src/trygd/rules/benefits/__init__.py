"""The benefit chapters trygd assesses, by id: one home (package) per benefit.

`BENEFITS` holds each benefit's rules and `PROFILES` everything else trygd says about it
(`trygd.rules.profiles.BenefitProfile`); every other layer reads these two and names no
benefit itself. To add a benefit, add its home here (see docs/architecture.md).
"""

from __future__ import annotations

from trygd.rules.benefits import aap, dagpenger, sykepenger, uforetrygd
from trygd.rules.declarations import Benefit
from trygd.rules.profiles import BenefitProfile

BENEFITS: dict[str, Benefit] = {
    benefit.id: benefit
    for benefit in (aap.AAP, dagpenger.DAGPENGER, sykepenger.SYKEPENGER, uforetrygd.UFORETRYGD)
}
# In the order the pages list the benefits (the application page, the guide's ties).
PROFILES: dict[str, BenefitProfile] = {
    profile.id: profile
    for profile in (dagpenger.PROFILE, sykepenger.PROFILE, aap.PROFILE, uforetrygd.PROFILE)
}
