"""The benefit chapters trygd assesses, by id: one home (package) per benefit.

`BENEFITS` holds each benefit's rules and `PROFILES` everything else trygd says about it
(`trygd.rules.profiles.BenefitProfile`); every other layer reads these two and names no
benefit itself. To add a benefit, add its home here (see docs/architecture.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from trygd.rules import profiles
from trygd.rules.benefits import aap, dagpenger, sykepenger, uforetrygd
from trygd.rules.benefits.aap import meldekort as aap_meldekort
from trygd.rules.benefits.dagpenger import meldekort as dagpenger_meldekort
from trygd.rules.declarations import Benefit
from trygd.rules.meldekort import PeriodInput, PeriodResult
from trygd.rules.parameters import ParameterSet
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

# The benefits with meldeplikt (a meldekort every meldeperiode) and the rule that says what a
# period gives: dagpenger (ftrl. § 4-8) and AAP (§ 11-10).
MELDEKORT: dict[str, Callable[[PeriodInput, ParameterSet], PeriodResult]] = {
    dagpenger.DAGPENGER.id: dagpenger_meldekort.calculate,
    aap.AAP.id: aap_meldekort.calculate,
}


def profile_sources() -> tuple[str, ...]:
    """The files that declare the profiles' words (`P_` page and `L_` letter texts), for the
    catalogue checks and the extraction of the letter template."""
    homes = (sys.modules[f"{__name__}.{benefit}.profile"] for benefit in PROFILES)
    return (str(profiles.__file__), *(str(home.__file__) for home in homes))
