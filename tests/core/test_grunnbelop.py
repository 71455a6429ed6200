"""G as one dated list: its three views agree, keep the figures of the three lists it
replaced, are checked on load, and change together in a reform."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from trygd.rules.parameters import ParameterError, ParameterSet, load_default

PARAMETERS = load_default()
G_LIST = PARAMETERS.g_lists["common.grunnbelop"]
BEFORE = Path(__file__).parent / "data" / "grunnbelop_before_one_list.csv"

D = dt.date


def on(name: str, day: dt.date, parameters: ParameterSet = PARAMETERS) -> float:
    return parameters[f"common.{name}"].value_at(day).value


def average(year: int, parameters: ParameterSet = PARAMETERS) -> float:
    return float(parameters.year_table("common.grunnbelop_average").lookup(year))


def test_the_three_views_agree_change_by_change() -> None:
    ordinary = PARAMETERS["common.grunnbelop"].values
    minimum_income = PARAMETERS["common.grunnbelop_minimum_income"].values
    averages = {v.start.year: v.value for v in PARAMETERS["common.grunnbelop_average"].values}
    assert len(ordinary) == len(minimum_income) == len(G_LIST.changes)
    for change, by_date, by_use in zip(G_LIST.changes, ordinary, minimum_income, strict=True):
        assert (by_date.start, by_date.value) == (change.start, change.value)
        assert (by_use.start, by_use.value) == (change.minimum_income_start, change.value)
        assert change.start <= change.minimum_income_start
        if change.start.year < 2013:
            assert change.minimum_income_start == change.start
        if change.yearly_average is not None:
            assert averages[change.start.year] == change.yearly_average
    assert set(averages) == {change.start.year for change in G_LIST.changes}


@pytest.mark.parametrize(
    ("name", "day", "expected"),
    [
        ("grunnbelop", D(2026, 4, 30), 130_160),
        ("grunnbelop", D(2026, 5, 1), 136_549),
        ("grunnbelop_minimum_income", D(2026, 5, 1), 130_160),
        ("grunnbelop_minimum_income", D(2026, 5, 31), 130_160),
        ("grunnbelop_minimum_income", D(2026, 6, 1), 136_549),
        ("grunnbelop_minimum_income", D(2025, 6, 1), 124_028),
        ("grunnbelop_minimum_income", D(2025, 6, 2), 130_160),
        ("grunnbelop_minimum_income", D(2012, 5, 1), 82_122),
    ],
)
def test_g_in_2026_and_around_the_minimum_income_dates(
    name: str, day: dt.date, expected: float
) -> None:
    assert on(name, day) == expected


def test_the_yearly_average_of_2026() -> None:
    assert average(2026) == 134_419


def test_every_figure_equals_the_three_lists_before_g_became_one_list() -> None:
    """The snapshot is of main before the change (tests/core/data); nothing may have moved."""
    rows: dict[str, list[tuple[str, int]]] = {}
    with BEFORE.open(encoding="utf-8") as file:
        for row in csv.reader(line for line in file if not line.startswith("#")):
            rows.setdefault(row[0], []).append((row[1], int(row[2])))
    for name in ("grunnbelop", "grunnbelop_minimum_income"):
        now = [(v.start.isoformat(), int(v.value)) for v in PARAMETERS[f"common.{name}"].values]
        assert now == rows[name], name
    averages = PARAMETERS["common.grunnbelop_average"].values
    assert [(str(v.start.year), int(v.value)) for v in averages] == rows["grunnbelop_average"]
    assert len(rows["grunnbelop"]) == 73 and len(rows["grunnbelop_average"]) == 60


def test_every_published_average_fits_the_years_g_values() -> None:
    """The rule the load check applies: the G in force on the first of each month, averaged."""
    g = PARAMETERS["common.grunnbelop"]
    for value in PARAMETERS["common.grunnbelop_average"].values:
        year = value.start.year
        monthly = [g.value_at(D(year, month, 1)).value for month in range(1, 13)]
        assert abs(sum(monthly) / 12 - value.value) <= 0.5, year


def g_reform(*changes: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"parameters": {"common.grunnbelop": {"values": list(changes), **extra}}}


def change(**given: Any) -> dict[str, Any]:
    return {"source": "test reform", **given}


def test_a_g_reform_changes_all_three_views() -> None:
    reform = g_reform(
        change(
            **{
                "from": D(2026, 5, 1),
                "minimum_income_from": D(2026, 5, 20),
                "value": 140_000,
                "yearly_average": 136_720,  # (4 x 130 160 + 8 x 140 000) / 12
            }
        )
    )
    changed = PARAMETERS.with_reform(reform, "higher G 2026")
    assert on("grunnbelop", D(2026, 4, 30), changed) == 130_160
    assert on("grunnbelop", D(2026, 5, 1), changed) == 140_000
    assert on("grunnbelop_minimum_income", D(2026, 5, 19), changed) == 130_160
    assert on("grunnbelop_minimum_income", D(2026, 5, 20), changed) == 140_000
    assert average(2026, changed) == 136_720
    assert average(2025, changed) == 128_116
    assert changed.digest != PARAMETERS.digest
    assert on("grunnbelop_minimum_income", D(2026, 5, 20)) == 130_160  # baseline untouched


def test_a_g_reform_adds_a_later_year() -> None:
    reform = g_reform(
        change(
            **{
                "from": D(2027, 5, 1),
                "minimum_income_from": D(2027, 6, 1),
                "value": 142_000,
                "yearly_average": 140_183,
            }
        ),
        known_until=D(2028, 4, 30),
    )
    changed = PARAMETERS.with_reform(reform, "G 2027")
    assert on("grunnbelop", D(2027, 5, 1), changed) == 142_000
    assert on("grunnbelop_minimum_income", D(2027, 5, 31), changed) == 136_549
    assert on("grunnbelop_minimum_income", D(2027, 6, 1), changed) == 142_000
    assert average(2027, changed) == 140_183
    assert changed["common.grunnbelop_minimum_income"].known_until == D(2028, 4, 30)


@pytest.mark.parametrize("view", ["common.grunnbelop_minimum_income", "common.grunnbelop_average"])
def test_a_reform_of_a_view_alone_is_refused(view: str) -> None:
    reform = {
        "parameters": {view: {"values": [{"from": D(2027, 1, 1), "value": 1, "source": "x"}]}}
    }
    with pytest.raises(ParameterError, match=rf"{view} is a view of the G list common.grunnbelop"):
        PARAMETERS.with_reform(reform, "bad")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"from": D(2026, 5, 1), "value": 140_000}, "needs a 'minimum_income_from' date"),
        (
            {"from": D(2026, 5, 1), "minimum_income_from": D(2026, 4, 1), "value": 140_000},
            "before it takes effect",
        ),
        (
            {"from": D(2026, 5, 1), "minimum_income_from": D(2026, 6, 1), "value": 140_000},
            "must give yearly_average on its last change of 2026",
        ),
        (
            {
                "from": D(2026, 5, 1),
                "minimum_income_from": D(2026, 6, 1),
                "value": 140_000,
                "yearly_average": 150_000,
            },
            "not between the lowest and the highest G",
        ),
        (
            {
                "from": D(2026, 5, 1),
                "minimum_income_from": D(2026, 6, 1),
                "value": 140_000,
                "yearly_average": 134_419,
            },
            r"month-weighted average is 136720\.00",
        ),
        (
            {
                "from": D(2026, 5, 1),
                "minimum_income_from": D(2025, 6, 1),
                "value": 140_000,
                "yearly_average": 136_720,
            },
            "minimum_income_from dates must be in ascending order",
        ),
    ],
)
def test_a_g_reform_that_does_not_fit_together_is_refused(
    entry: dict[str, Any], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        PARAMETERS.with_reform(g_reform(change(**entry)), "bad")


G_FILE = """[grunnbelop]
description = "G"
unit = "NOK"
legal_basis = "ftrl. § 1-4"
values = [
{rows}
]

[grunnbelop.minimum_income_view]
name = "grunnbelop_minimum_income"
description = "G in minimum-income tests"
legal_basis = "ftrl. § 4-4"

[grunnbelop.average_view]
name = "grunnbelop_average"
description = "yearly average"
legal_basis = "ftrl. § 1-4"
"""


def load(*rows: str) -> ParameterSet:
    content = G_FILE.replace("{rows}", ",\n".join(rows)).encode()
    return ParameterSet.from_files([("common", content)], "t")


def test_a_well_formed_file_list_loads() -> None:
    loaded = load(
        '{ from = 2025-05-01, minimum_income_from = 2025-06-02, value = 130160, source = "s" }',
        "{ from = 2026-05-01, minimum_income_from = 2026-06-01, value = 136549, "
        'yearly_average = 134419, source = "s" }',
    )
    assert on("grunnbelop_minimum_income", D(2026, 6, 1), loaded) == 136_549
    assert average(2026, loaded) == 134_419


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            (
                '{ from = 2026-05-01, minimum_income_from = 2026-06-01, value = 2, source = "s" }',
                '{ from = 2025-05-01, minimum_income_from = 2025-06-01, value = 1, source = "s" }',
            ),
            "ascending order of date",
        ),
        (
            (
                '{ from = 2025-05-01, minimum_income_from = 2026-06-02, value = 1, source = "s" }',
                '{ from = 2026-05-01, minimum_income_from = 2026-06-01, value = 2, source = "s" }',
            ),
            "minimum_income_from dates must be in ascending order",
        ),
        (
            (
                "{ from = 1971-01-01, minimum_income_from = 1971-01-01, value = 7200, "
                'yearly_average = 7400, source = "s" }',
                "{ from = 1971-05-01, minimum_income_from = 1971-05-01, value = 7500, "
                'source = "s" }',
            ),
            r"the yearly average of 1971 belongs on the year's last change \(1971-05-01\)",
        ),
    ],
)
def test_a_file_list_that_does_not_fit_together_is_refused(
    rows: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ParameterError, match=message):
        load(*rows)
