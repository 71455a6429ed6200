"""The age window shared by AAP (ftrl. § 11-4) and uføretrygd (§ 12-4).

Both run from the 18th birthday to the end of the month of the 67th birthday. On the date
`at` that is one comparison of each birth date with two cutoffs; the person's own dates are
computed only when the result is explained.
"""

from __future__ import annotations

from typing import Any

from trygd.rules import dates
from trygd.rules.declarations import Namespace


def from_birthday_to_end_of_month(f: Namespace, v: Namespace, min_age: int, max_age: int) -> Any:
    """Whether `at` lies between the `min_age` birthday and the end of the month of the
    `max_age` birthday; stores the cutoffs (and, when explaining, the person's own dates)."""
    v.latest_birth_date = dates.latest_birth_date(f.at, min_age)
    v.earliest_birth_date = dates.first_of_month(dates.latest_birth_date(f.at, max_age))
    if v.explaining:
        v.first_day_by_age = dates.add_years(f.birth_date, min_age)
        v.last_day_by_age = dates.end_of_month(dates.add_years(f.birth_date, max_age))
    return (f.birth_date <= v.latest_birth_date) & (f.birth_date >= v.earliest_birth_date)
