"""The payment plan, line ids, settling, tax withholding and the ledger (trygd.domain)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trygd.domain import ledger
from trygd.domain.payments import (
    ApprovedPeriod,
    ExistingLine,
    PaymentKey,
    PaymentRules,
    Undetermined,
    VedtakInForce,
    kroner_to_ore,
    line_id,
    payment_plan,
    payment_rules,
    settle,
    simulate,
    simulation_differences,
    weekdays,
)
from trygd.domain.tax import TaxCard, card_from_fact, tax_rules, withhold

SAK = uuid.UUID("00000000-0000-4000-8000-000000000001")
RULES = PaymentRules(uforetrygd_payment_day=20, meldekort_lag_days=1, sykepenger_lag_days=1)
D = dt.date


def _ufore(effective: dt.date, monthly: float, child: float = 0.0, outcome: str = "granted"):
    return VedtakInForce(
        uuid.uuid4(),
        effective,
        outcome,
        {"monthly_amount": monthly, "child_supplement_monthly": child},
        {},
    )


def _syke(refund: bool | None, periods: list[tuple[dt.date, dt.date]], daily: float = 1615.0):
    facts: dict = {"sick_leave_periods": [{"from": a, "to": b} for a, b in periods]}
    if refund is not None:
        facts["employer_refund"] = refund
    return VedtakInForce(
        uuid.uuid4(),
        periods[0][0],
        "granted",
        {
            "daily_payment": daily,
            "first_payment_day": D(2025, 6, 18),
            "first_refused_day": D(2026, 6, 1),
        },
        facts,
    )


def test_parameters_are_read_from_the_dated_files() -> None:
    rules = payment_rules(D(2026, 1, 1))
    assert rules.uforetrygd_payment_day == 20
    assert tax_rules(D(2026, 1, 1)).default_rate == Decimal("0.5")


def test_weekdays_counts_monday_to_friday() -> None:
    assert weekdays(D(2025, 6, 2), D(2025, 6, 8)) == 5  # Monday to Sunday
    assert weekdays(D(2025, 6, 7), D(2025, 6, 8)) == 0  # a weekend
    assert weekdays(D(2025, 6, 6), D(2025, 6, 9)) == 2  # Friday and Monday
    assert weekdays(D(2025, 6, 9), D(2025, 6, 8)) == 0


@given(st.dates(D(2000, 1, 1), D(2040, 1, 1)), st.integers(0, 400))
def test_weekdays_equals_counting_day_by_day(start: dt.date, length: int) -> None:
    end = start + dt.timedelta(days=length)
    slow = sum(1 for i in range(length + 1) if (start + dt.timedelta(days=i)).weekday() < 5)
    assert weekdays(start, end) == slow


def test_sykepenger_per_weekday_per_month_from_the_first_payment_day() -> None:
    vedtak = _syke(False, [(D(2025, 6, 2), D(2025, 7, 27))])
    plan = payment_plan("sykepenger", SAK, [vedtak], D(2025, 12, 31), RULES)
    assert not plan.undetermined
    june, july = plan.payments
    # 18-30 June: 9 weekdays; 1-27 July: 19 weekdays; 1615 kr a day
    assert (june.key.period_start, june.key.period_end, june.days) == (
        D(2025, 6, 18),
        D(2025, 6, 30),
        9,
    )
    assert june.gross_ore == 9 * 161500
    assert july.days == 19 and july.gross_ore == 19 * 161500
    assert june.due == D(2025, 7, 1) and june.payee == "person"
    assert june.key.kind == "sykepenger"


def test_sykepenger_refund_goes_to_the_employer() -> None:
    plan = payment_plan(
        "sykepenger", SAK, [_syke(True, [(D(2025, 6, 2), D(2025, 6, 30))])], D(2026, 1, 1), RULES
    )
    assert {p.payee for p in plan.payments} == {"employer"}
    assert {p.key.kind for p in plan.payments} == {"sykepenger_refusjon"}


def test_sykepenger_without_the_refund_fact_is_undetermined() -> None:
    plan = payment_plan(
        "sykepenger", SAK, [_syke(None, [(D(2025, 6, 2), D(2025, 6, 30))])], D(2026, 1, 1), RULES
    )
    assert plan.payments == ()
    assert [u.reason for u in plan.undetermined] == ["employer_refund"]


def test_sykepenger_stop_the_day_before_the_first_refused_day() -> None:
    vedtak = _syke(False, [(D(2026, 5, 25), D(2026, 6, 30))])
    plan = payment_plan("sykepenger", SAK, [vedtak], D(2026, 12, 31), RULES)
    assert plan.payments[-1].key.period_end == D(2026, 5, 31)


def test_uforetrygd_pays_whole_months_on_the_payment_day_from_the_month_after() -> None:
    plan = payment_plan(
        "uforetrygd", SAK, [_ufore(D(2026, 1, 15), 20501.0, 4339.0)], D(2026, 3, 31), RULES
    )
    kinds = [(p.key.kind, p.key.period_start, p.due, p.gross_ore) for p in plan.payments]
    assert kinds == [
        ("uforetrygd", D(2026, 2, 1), D(2026, 2, 20), 2050100),
        ("uforetrygd_barnetillegg", D(2026, 2, 1), D(2026, 2, 20), 433900),
        ("uforetrygd", D(2026, 3, 1), D(2026, 3, 20), 2050100),
        ("uforetrygd_barnetillegg", D(2026, 3, 1), D(2026, 3, 20), 433900),
    ]
    # a right from the 1st is paid from that month
    first = payment_plan("uforetrygd", SAK, [_ufore(D(2026, 1, 1), 100.0)], D(2026, 1, 31), RULES)
    assert [p.key.period_start for p in first.payments] == [D(2026, 1, 1)]
    # a month is planned from its payment day: one day before, it waits
    on_the_day = payment_plan(
        "uforetrygd", SAK, [_ufore(D(2026, 1, 1), 100.0)], D(2026, 1, 20), RULES
    )
    assert len(on_the_day.payments) == 1
    day_before = payment_plan(
        "uforetrygd", SAK, [_ufore(D(2026, 1, 1), 100.0)], D(2026, 1, 19), RULES
    )
    assert day_before.payments == ()


def test_a_revurdering_from_the_middle_of_a_month_starts_with_the_next_month() -> None:
    plan = payment_plan(
        "uforetrygd",
        SAK,
        [_ufore(D(2026, 1, 1), 200.0), _ufore(D(2026, 2, 10), 100.0)],
        D(2026, 3, 31),
        RULES,
    )
    assert [(p.key.period_start.month, p.gross_ore) for p in plan.payments] == [
        (1, 20000),
        (2, 20000),
        (3, 10000),
    ]


def test_a_revurdering_replaces_the_plan_from_its_effective_date() -> None:
    first = _ufore(D(2026, 1, 1), 20000.0)
    second = _ufore(D(2026, 3, 1), 15000.0)
    plan = payment_plan("uforetrygd", SAK, [second, first], D(2026, 4, 30), RULES)
    assert [(p.key.period_start.month, p.gross_ore) for p in plan.payments] == [
        (1, 2000000),
        (2, 2000000),
        (3, 1500000),
        (4, 1500000),
    ]
    stop = _ufore(D(2026, 3, 1), 0.0, outcome="rejected")
    stopped = payment_plan("uforetrygd", SAK, [first, stop], D(2026, 4, 30), RULES)
    assert [p.key.period_start.month for p in stopped.payments] == [1, 2]


def test_an_amount_not_in_whole_ore_is_undetermined_not_rounded() -> None:
    assert kroner_to_ore(1781.0, "x") == 178100
    assert kroner_to_ore(0.01, "x") == 1
    with pytest.raises(Undetermined):
        kroner_to_ore(12.345, "x")
    with pytest.raises(Undetermined):
        kroner_to_ore(None, "x")


def test_meldekort_periods_pay_their_gross_and_the_latest_version_counts() -> None:
    card = uuid.uuid4()
    periods = [
        ApprovedPeriod(card, D(2026, 1, 5), D(2026, 1, 18), 1, 500000),
        ApprovedPeriod(card, D(2026, 1, 5), D(2026, 1, 18), 2, 450000),
        ApprovedPeriod(uuid.uuid4(), D(2026, 1, 19), D(2026, 2, 1), 1, 553000),
    ]
    vedtak = VedtakInForce(uuid.uuid4(), D(2026, 1, 5), "granted", {}, {})
    plan = payment_plan("dagpenger", SAK, [vedtak], D(2026, 12, 31), RULES, periods)
    assert [(p.gross_ore, p.due) for p in plan.payments] == [
        (450000, D(2026, 1, 19)),
        (553000, D(2026, 2, 2)),
    ]
    assert plan.payments[0].basis.endswith("version 2")


def test_line_ids_are_stable_and_distinct_per_sak_kind_period_and_correction() -> None:
    key = PaymentKey(SAK, "uforetrygd", D(2026, 2, 1), D(2026, 2, 28))
    assert line_id(key, 0) == line_id(
        PaymentKey(SAK, "uforetrygd", D(2026, 2, 1), D(2026, 2, 28)), 0
    )
    others = {
        line_id(key, 1),
        line_id(PaymentKey(SAK, "uforetrygd_barnetillegg", key.period_start, key.period_end), 0),
        line_id(PaymentKey(SAK, "uforetrygd", D(2026, 3, 1), D(2026, 3, 31)), 0),
        line_id(PaymentKey(uuid.uuid4(), "uforetrygd", key.period_start, key.period_end), 0),
    }
    assert line_id(key, 0) not in others and len(others) == 4
    # the id does not depend on the process (uuid5, fixed namespace)
    assert str(line_id(key, 0)) == str(
        uuid.uuid5(
            uuid.UUID("6c1f4a52-2d0e-5b5e-9a0e-7a1d9a3f1f16"),
            f"{SAK}|uforetrygd|2026-02-01|2026-02-28|0",
        )
    )


keys = st.builds(
    PaymentKey,
    st.sampled_from([SAK, uuid.UUID(int=7)]),
    st.sampled_from(["uforetrygd", "dagpenger"]),
    st.dates(D(2026, 1, 1), D(2026, 1, 10)),
    st.just(D(2026, 1, 31)),
)


@given(st.lists(st.tuples(keys, st.integers(0, 10**8)), max_size=12))
def test_line_ids_are_distinct_for_distinct_keys(items: list[tuple[PaymentKey, int]]) -> None:
    pairs = {(k, c % 3) for k, c in items}
    assert len({line_id(k, c) for k, c in pairs}) == len(pairs)


def test_settle_pays_once_then_corrects_by_the_difference() -> None:
    first = payment_plan("uforetrygd", SAK, [_ufore(D(2026, 1, 1), 20000.0)], D(2026, 2, 28), RULES)
    lines = settle(first.payments, [])
    assert [(line.correction, line.gross_ore) for line in lines] == [(0, 2000000), (0, 2000000)]
    existing = [ExistingLine(line.key, line.correction, line.gross_ore) for line in lines]
    assert settle(first.payments, existing) == []  # a second run pays nothing again
    # a revurdering from February lowers the amount: February gets a negative correction
    lower = payment_plan(
        "uforetrygd",
        SAK,
        [_ufore(D(2026, 1, 1), 20000.0), _ufore(D(2026, 2, 1), 19999.0)],
        D(2026, 2, 28),
        RULES,
    )
    (correction,) = settle(lower.payments, existing)
    assert (correction.key.period_start, correction.correction, correction.gross_ore) == (
        D(2026, 2, 1),
        1,
        -100,
    )
    assert correction.id == line_id(correction.key, 1)


def test_a_cancelled_line_is_paid_again_under_the_next_correction_number() -> None:
    plan = payment_plan("uforetrygd", SAK, [_ufore(D(2026, 1, 1), 100.0)], D(2026, 1, 31), RULES)
    (line,) = settle(plan.payments, [])
    rejected = ExistingLine(line.key, 0, line.gross_ore, cancelled=True)
    (again,) = settle(plan.payments, [rejected])
    assert (again.correction, again.gross_ore) == (1, 10000)


@given(
    st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
    st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
)
def test_settling_brings_what_was_paid_to_the_plan(before: list[int], after: list[int]) -> None:
    """Whatever was paid before, the lines settle adds make each period's total equal the
    new plan, and settling again adds nothing."""

    def plan(amounts: list[int]):
        periods = [
            ApprovedPeriod(
                uuid.UUID(int=i),
                D(2026, 1, 1) + dt.timedelta(14 * i),
                D(2026, 1, 14) + dt.timedelta(14 * i),
                1,
                a,
            )
            for i, a in enumerate(amounts)
        ]
        vedtak = VedtakInForce(uuid.uuid4(), D(2026, 1, 1), "granted", {}, {})
        return payment_plan("aap", SAK, [vedtak], D(2027, 1, 1), RULES, periods).payments

    existing = [
        ExistingLine(ln.key, ln.correction, ln.gross_ore) for ln in settle(plan(before), [])
    ]
    existing += [
        ExistingLine(ln.key, ln.correction, ln.gross_ore) for ln in settle(plan(after), existing)
    ]
    totals: dict[PaymentKey, int] = {}
    for line in existing:
        totals[line.key] = totals.get(line.key, 0) + line.gross_ore
    wanted = {p.key: p.gross_ore for p in plan(after)}
    assert {k: v for k, v in totals.items() if v} == {k: v for k, v in wanted.items() if v}
    assert settle(plan(after), existing) == []
    ids = [line_id(e.key, e.correction) for e in existing]
    assert len(ids) == len(set(ids))


def test_simulation_shows_etterbetaling_and_feilutbetaling_and_differences() -> None:
    paid = settle(
        payment_plan(
            "uforetrygd", SAK, [_ufore(D(2026, 1, 1), 200.0)], D(2026, 2, 28), RULES
        ).payments,
        [],
    )
    existing = [ExistingLine(ln.key, ln.correction, ln.gross_ore) for ln in paid]
    proposal = payment_plan(
        "uforetrygd",
        SAK,
        [_ufore(D(2026, 1, 1), 200.0), _ufore(D(2026, 2, 1), 150.0)],
        D(2026, 3, 31),
        RULES,
    )
    sim = simulate(proposal, existing)
    assert sim.feilutbetaling_ore == 5000  # February: 150 kr instead of 200
    assert sim.etterbetaling_ore == 15000  # March not paid yet
    assert simulation_differences(sim, sim) == []
    again = type(sim).from_json(sim.to_json())
    assert again == sim
    one_krone = payment_plan(
        "uforetrygd",
        SAK,
        [_ufore(D(2026, 1, 1), 200.0), _ufore(D(2026, 2, 1), 151.0)],
        D(2026, 3, 31),
        RULES,
    )
    assert len(simulation_differences(sim, simulate(one_krone, existing))) == 2
    one_period_less = payment_plan(
        "uforetrygd",
        SAK,
        [_ufore(D(2026, 1, 1), 200.0), _ufore(D(2026, 2, 1), 150.0)],
        D(2026, 2, 28),
        RULES,
    )
    (difference,) = simulation_differences(sim, simulate(one_period_less, existing))
    assert "2026-03-01" in difference and "only in the caseworker's" in difference


# Tax


def _tax(gross: int, card: TaxCard | None):
    return withhold(gross, card, default_rate=Decimal("0.5"), round_down=True)


def test_percentage_card_rounds_down_to_whole_kroner() -> None:
    card = TaxCard("percentage", Decimal("30"))
    assert _tax(1000000, card).tax_ore == 300000
    # 30 % of 1 234,56 kr = 370,368 kr -> 370 kr
    assert _tax(123456, card).tax_ore == 37000
    # one øre under a whole krone of tax still rounds down
    assert _tax(333, TaxCard("percentage", Decimal("30"))).tax_ore == 0
    assert withhold(123456, card, default_rate=Decimal("0.5"), round_down=False).tax_ore == 37000
    assert withhold(123500, card, default_rate=Decimal("0.5"), round_down=False).tax_ore == 37100


def test_no_tax_card_withholds_the_default_rate_and_frikort_nothing() -> None:
    assert _tax(2050100, None).tax_ore == 1025000
    assert _tax(2050100, TaxCard("none")).tax_ore == 1025000
    assert _tax(2050100, TaxCard("frikort")).tax_ore == 0


def test_table_card_without_a_table_amount_is_undetermined_never_guessed() -> None:
    result = _tax(2050100, TaxCard("table", table_number="8010"))
    assert result.tax_ore is None and result.net_ore is None
    assert result.undetermined == "tax_table_amount"
    given_amount = _tax(2050100, TaxCard("table", table_number="8010", table_amount_ore=612300))
    assert given_amount.tax_ore == 612300 and given_amount.net_ore == 2050100 - 612300


def test_a_bad_tax_card_fact_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"tax_card\.kind"):
        card_from_fact({"kind": "guess"})
    with pytest.raises(ValueError, match="percentage"):
        card_from_fact({"kind": "percentage", "percentage": "130"})
    assert card_from_fact(None) is None
    assert card_from_fact({"kind": "percentage", "percentage": "30.5"}) == TaxCard(
        "percentage", Decimal("30.5")
    )


cards = st.one_of(
    st.none(),
    st.builds(
        TaxCard,
        st.just("percentage"),
        st.decimals(0, 100, places=2, allow_nan=False, allow_infinity=False),
    ),
    st.builds(TaxCard, st.just("table"), st.none(), st.just("8010"), st.integers(0, 10**7)),
    st.just(TaxCard("frikort")),
)


@given(st.integers(-(10**8), 10**8), cards, st.booleans())
def test_net_is_gross_minus_tax_and_tax_is_whole_and_never_above_gross(
    gross: int, card: TaxCard | None, round_down: bool
) -> None:
    result = withhold(gross, card, default_rate=Decimal("0.5"), round_down=round_down)
    assert result.tax_ore is not None and result.net_ore is not None
    assert result.net_ore == gross - result.tax_ore
    if gross > 0:
        assert 0 <= result.tax_ore <= gross
        if card is None or card.kind == "percentage":
            assert result.tax_ore % 100 == 0 or result.tax_ore == gross
    else:
        assert result.tax_ore == 0


# Ledger


@given(
    st.lists(
        st.tuples(st.integers(-(10**8), 10**8), st.integers(0, 100), st.booleans()), max_size=20
    )
)
def test_postings_always_sum_to_zero_and_the_expense_is_tax_and_bank(
    payments: list[tuple[int, int, bool]],
) -> None:
    person = uuid.uuid4()
    postings: list[ledger.Posting] = []
    for index, (gross, percent, rejected) in enumerate(payments):
        tax = max(gross, 0) * percent // 100
        line = uuid.UUID(int=index)
        made = ledger.payment_postings(line, person, "aap", gross, tax)
        assert ledger.total(made) == 0
        assert len(made) % 2 == 0
        postings += made
        if rejected and gross > 0:
            postings += ledger.reversal(made, "rejected")
    assert ledger.total(postings) == 0
    balances = ledger.balances(postings)
    assert sum(balances.values()) == 0
    assert balances.get((person, "aap", "payable"), 0) == 0  # no longer used
    paid = -balances.get((person, "aap", "tax"), 0) - balances.get((person, "aap", "bank"), 0)
    assert paid == sum(g for g, _, r in payments if g > 0 and not r)
    expense = sum(g for g, _, r in payments if g > 0 and not r)
    recovered = sum(-g for g, _, _ in payments if g < 0)
    assert balances.get((person, "aap", "receivable"), 0) == recovered
    assert balances.get((person, "aap", "expense"), 0) == expense - recovered


def test_a_payment_is_pairs_of_postings() -> None:
    person, line = uuid.uuid4(), uuid.uuid4()
    postings = ledger.payment_postings(line, person, "uforetrygd", 2050100, 615000)
    assert [(p.transaction, p.account, p.amount_ore) for p in postings] == [
        ("withholding", "expense", 615000),
        ("withholding", "tax", -615000),
        ("payment", "expense", 1435100),
        ("payment", "bank", -1435100),
    ]
    # the gross is the expense: what went to Skatteetaten and what went to the bank
    assert sum(p.amount_ore for p in postings if p.account == "expense") == 2050100
    with pytest.raises(ValueError, match="tax_ore"):
        ledger.payment_postings(line, person, "uforetrygd", 100, 101)
