"""The payment plan (utbetalingsplan): what a running benefit pays, period by period.

The plan is read from the STORED decision record of each vedtak (its `amounts` and
`input_facts`); the rules are never run again, so what is paid is what was decided
(architecture: The decision record). Per benefit:

- sykepenger: the daily payment for every weekday (ftrl. § 8-11) from the first payment day
  after the arbeidsgiverperiode to the end of the sick leave or the maksdato, one line per
  calendar month, paid to the person or refunded to the employer (ftrl. § 22-3). Who gets
  it is a fact (`employer_refund`); without it the plan is undetermined, never guessed.
- uføretrygd: the monthly amount (and barnetillegg) for each whole month from the month after
  the right arose (ftrl. § 22-12), paid on the day of the month a parameter gives.
- dagpenger and AAP: one line per approved meldekort period, with the gross the meldekort
  calculation gave (ftrl. § 4-8, § 11-10); the periods come from outside (the meldekort
  services) as plain values.

A revurdering replaces the plan from its effective date: each vedtak's plan covers the days
from its `effective_from` to the day before the next vedtak's.

Every line has a deterministic id (uuid5 of sak, kind, period and correction number). Paying
means storing that id under a unique constraint, so a line can be paid once only, however
often the run is repeated. A change to an amount already paid is a new line for the same
period with the next correction number and the difference as its amount (`settle`):
positive is etterbetaling, negative is feilutbetaling (to be recovered).

Money is integer øre. The record's amounts are whole kroner held as floats; one that is not a
whole number of øre makes the plan undetermined.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol

from trygd.rules.assessment import default_ruleset
from trygd.rules.benefits import PROFILES
from trygd.rules.parameters import ParameterSet
from trygd.rules.profiles import Payments

NAMESPACE = uuid.UUID("6c1f4a52-2d0e-5b5e-9a0e-7a1d9a3f1f16")
"""The namespace of payment line ids (a fixed, random value; changing it changes every id)."""

Payee = Literal["person", "employer"]
REFUND_SUFFIX = "_refusjon"  # the kind of a payment refunded to the employer (ftrl. § 22-3)


class Undetermined(ValueError):
    """The plan cannot be made from what is known; `reason` names the missing fact."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, eq=False)
class PaymentKey:
    """What one payment is for: the sak, the kind of payment and the period.

    Its hash is computed once, and two keys compare their hashes and the UUIDs' numbers
    rather than the UUIDs: settling a sak looks each key up several times, and the
    generated hash and equality ran Python code in `uuid` every time, which was the larger
    part of planning a sak with a few years of monthly lines."""

    sak_id: uuid.UUID
    kind: str
    period_start: dt.date
    period_end: dt.date
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        whole = (self.sak_id.int, self.kind, self.period_start, self.period_end)
        object.__setattr__(self, "_hash", hash(whole))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PaymentKey):
            return NotImplemented
        return (
            self._hash == other._hash
            and self.period_start == other.period_start
            and self.period_end == other.period_end
            and self.kind == other.kind
            and self.sak_id.int == other.sak_id.int
        )


@dataclass(frozen=True)
class PlannedPayment:
    """What a period should pay in total (before tax), and why."""

    key: PaymentKey
    gross_ore: int
    due: dt.date
    payee: Payee
    basis: str  # what made it: "vedtak <id>: daily_payment x 20 days", "meldekort <id> v2"
    vedtak_id: uuid.UUID | None = None
    days: int | None = None


@dataclass(frozen=True)
class PaymentLine:
    """One line to pay or recover: the difference between the plan and what lines before it
    already gave for the same key. `correction` 0 is the first line of a period."""

    id: uuid.UUID
    key: PaymentKey
    correction: int
    gross_ore: int
    due: dt.date
    payee: Payee
    basis: str
    vedtak_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ExistingLine:
    """A line already stored for a key (paid, ordered or planned)."""

    key: PaymentKey
    correction: int
    gross_ore: int
    cancelled: bool = False  # a rejected line whose attempt was given up counts for nothing


class MeldekortPeriod(Protocol):
    """An approved meldekort period as the meldekort services give it."""

    @property
    def meldekort_id(self) -> uuid.UUID: ...
    @property
    def period_start(self) -> dt.date: ...
    @property
    def period_end(self) -> dt.date: ...
    @property
    def version(self) -> int: ...
    @property
    def gross_ore(self) -> int: ...


@dataclass(frozen=True)
class ApprovedPeriod:
    """A plain approved meldekort period (satisfies `MeldekortPeriod`)."""

    meldekort_id: uuid.UUID
    period_start: dt.date
    period_end: dt.date
    version: int
    gross_ore: int


@dataclass(frozen=True)
class VedtakInForce:
    """A vedtak as the plan needs it: its stored record's outcome, amounts and input facts."""

    vedtak_id: uuid.UUID
    effective_from: dt.date
    outcome: str
    amounts: Mapping[str, Any]
    input_facts: Mapping[str, Any]


@dataclass(frozen=True)
class PaymentRules:
    """The dated parameters the plan uses, resolved for the plan's horizon."""

    uforetrygd_payment_day: int
    meldekort_lag_days: int
    sykepenger_lag_days: int


def _whole(parameters: ParameterSet, name: str, at: dt.date) -> int:
    value = parameters[name].value_at(at).value
    if not float(value).is_integer():
        raise ValueError(f"{name} on {at.isoformat()} is {value}, not a whole number")
    return int(value)


PLAN_PARAMETERS = (
    "payments.uforetrygd_payment_day",
    "payments.meldekort_payment_lag_days",
    "payments.sykepenger_payment_lag_days",
)
"""The parameters a plan reads (in the order of `PaymentRules`' fields)."""


def payment_rules(at: dt.date, parameters: ParameterSet | None = None) -> PaymentRules:
    """The payment parameters in force on `at` (parameters/payments.toml)."""
    parameters = parameters if parameters is not None else default_ruleset().parameters
    return PaymentRules(*(_whole(parameters, name, at) for name in PLAN_PARAMETERS))


def rules_change_after(at: dt.date, parameters: ParameterSet | None = None) -> dt.date | None:
    """The first day after `at` on which one of the plan's parameters takes a new value
    (None: no change is known): a plan made on `at` may differ from that day on."""
    parameters = parameters if parameters is not None else default_ruleset().parameters
    starts = [
        value.start
        for name in PLAN_PARAMETERS
        for value in parameters[name].values
        if value.start > at
    ]
    return min(starts, default=None)


@dataclass(frozen=True)
class Plan:
    payments: tuple[PlannedPayment, ...]
    undetermined: tuple[Undetermined, ...] = field(default=())


def line_id(key: PaymentKey, correction: int) -> uuid.UUID:
    """The deterministic id of a payment line: the same sak, kind, period and correction
    number always give the same id, and any difference gives another."""
    name = (
        f"{key.sak_id}|{key.kind}|{key.period_start.isoformat()}|"
        f"{key.period_end.isoformat()}|{correction}"
    )
    return uuid.uuid5(NAMESPACE, name)


def kroner_to_ore(value: Any, name: str) -> int:
    """A whole-øre amount from the record (floats of whole kroner); anything else is
    undetermined rather than rounded silently."""
    if value is None or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise Undetermined(name, "the vedtak has no amount")
    ore = Decimal(str(value)) * 100
    if ore != ore.to_integral_value():
        raise Undetermined(name, f"{value} is not a whole number of øre")
    return int(ore)


def weekdays(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from `start` to `end`, both included (ftrl. § 8-11)."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full, rest = divmod(days, 7)
    count = full * 5
    for offset in range(rest):
        if (start + dt.timedelta(days=full * 7 + offset)).weekday() < 5:
            count += 1
    return count


def month_chunks(start: dt.date, end: dt.date) -> Iterable[tuple[dt.date, dt.date]]:
    """The parts of [start, end] that fall in each calendar month."""
    day = start
    while day <= end:
        last = dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
        yield day, min(last, end)
        day = last + dt.timedelta(days=1)


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Undetermined(name, "the vedtak has no date")


def plan_per_weekday(
    sak_id: uuid.UUID,
    benefit: str,
    declared: Payments,
    vedtak: VedtakInForce,
    window: tuple[dt.date, dt.date],
    rules: PaymentRules,
) -> list[PlannedPayment]:
    """A daily amount for every weekday of the periods (ftrl. § 8-11), a line per calendar
    month, to the person or refunded to the employer (ftrl. § 22-3)."""
    amounts, facts = vedtak.amounts, vedtak.input_facts
    daily_name = declared.amounts[0][1]
    daily = kroner_to_ore(amounts.get(daily_name), daily_name)
    first = _date(amounts.get(declared.first_day_amount), declared.first_day_amount)
    refused = amounts.get(declared.first_refused_day_amount)
    last_allowed = (
        _date(refused, declared.first_refused_day_amount) - dt.timedelta(days=1)
        if refused
        else None
    )
    refund = facts.get("employer_refund")
    if not isinstance(refund, bool):
        raise Undetermined(
            "employer_refund", "whether the employer pays the salary and claims a refund"
        )
    kind, payee = (benefit + REFUND_SUFFIX, "employer") if refund else (benefit, "person")
    periods = facts.get(declared.periods_fact) or []
    out: list[PlannedPayment] = []
    for period in periods:
        start = max(_date(period.get("from"), declared.periods_fact), first, window[0])
        end = min(_date(period.get("to"), declared.periods_fact), window[1])
        if last_allowed is not None:
            end = min(end, last_allowed)
        for chunk_start, chunk_end in month_chunks(start, end):
            days = weekdays(chunk_start, chunk_end)
            if days == 0:
                continue
            key = PaymentKey(sak_id, kind, chunk_start, chunk_end)
            out.append(
                PlannedPayment(
                    key,
                    daily * days,
                    chunk_end + dt.timedelta(days=rules.sykepenger_lag_days),
                    payee,  # type: ignore[arg-type]
                    f"vedtak {vedtak.vedtak_id}: {daily_name} × {days} days",
                    vedtak.vedtak_id,
                    days,
                )
            )
    return out


def _first_whole_month(day: dt.date) -> dt.date:
    """The first month paid: the month after the right arose, unless it arose on the 1st
    (ftrl. § 22-12 first paragraph)."""
    if day.day == 1:
        return day
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def plan_per_month(
    sak_id: uuid.UUID,
    benefit: str,
    declared: Payments,
    vedtak: VedtakInForce,
    window: tuple[dt.date, dt.date],
    rules: PaymentRules,
    until: dt.date,
) -> list[PlannedPayment]:
    """Each declared monthly amount per whole month, paid on the payment day of that month. A
    month belongs to the vedtak in force on its first day; months due after `until` wait.
    The first amount must be known; a supplement that is missing or zero pays nothing."""
    monthly: list[tuple[str, int]] = []
    for index, (suffix, name) in enumerate(declared.amounts):
        value = vedtak.amounts.get(name)
        if index > 0 and not value:
            continue
        monthly.append((benefit + suffix, kroner_to_ore(value, name)))
    basis = {kind: f"vedtak {vedtak.vedtak_id}: {kind} per month" for kind, _amount in monthly}
    out: list[PlannedPayment] = []
    month = _first_whole_month(window[0])
    while month <= window[1]:
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        due = month.replace(day=rules.uforetrygd_payment_day)
        if due > until:
            break
        for kind, amount in monthly:
            if amount > 0:
                out.append(
                    PlannedPayment(
                        PaymentKey(sak_id, kind, month, last),
                        amount,
                        due,
                        "person",
                        basis[kind],
                        vedtak.vedtak_id,
                    )
                )
        month = last + dt.timedelta(days=1)
    return out


def plan_meldekort(
    sak_id: uuid.UUID, benefit: str, periods: Iterable[MeldekortPeriod], rules: PaymentRules
) -> list[PlannedPayment]:
    """Dagpenger or AAP per approved meldekort period; of several versions of one card the
    latest counts (a correction makes a new version, never an overwrite)."""
    latest: dict[tuple[dt.date, dt.date], MeldekortPeriod] = {}
    for period in periods:
        if period.gross_ore < 0:
            raise ValueError("gross_ore: a meldekort period cannot give a negative amount")
        span = (period.period_start, period.period_end)
        if span not in latest or period.version > latest[span].version:
            latest[span] = period
    return [
        PlannedPayment(
            PaymentKey(sak_id, benefit, p.period_start, p.period_end),
            p.gross_ore,
            p.period_end + dt.timedelta(days=rules.meldekort_lag_days),
            "person",
            f"meldekort {p.meldekort_id} version {p.version}",
        )
        for p in sorted(latest.values(), key=lambda p: p.period_start)
    ]


def payment_plan(
    benefit: str,
    sak_id: uuid.UUID,
    chain: Sequence[VedtakInForce],
    until: dt.date,
    rules: PaymentRules,
    meldekort: Iterable[MeldekortPeriod] = (),
) -> Plan:
    """The plan of a sak: every payment due on or before `until`. Each vedtak counts from its
    effective date to the day before the next one's (a revurdering replaces the plan from its
    date); a vedtak that is not granted pays nothing from its date."""
    profile = PROFILES.get(benefit)
    declared = profile.payments if profile is not None else None
    if declared is None:
        return Plan((), (Undetermined("benefit", f"no payment plan for {benefit}"),))
    if declared.schedule == "per_meldekort":
        granted = any(v.outcome == "granted" for v in chain)
        periods = plan_meldekort(sak_id, benefit, meldekort, rules) if granted else []
        return Plan(tuple(p for p in periods if p.due <= until))
    ordered = sorted(chain, key=lambda v: v.effective_from)
    payments: list[PlannedPayment] = []
    undetermined: list[Undetermined] = []
    for index, vedtak in enumerate(ordered):
        if vedtak.outcome != "granted":
            continue
        end = dt.date.max
        if index + 1 < len(ordered):
            end = min(end, ordered[index + 1].effective_from - dt.timedelta(days=1))
        window = (vedtak.effective_from, end)
        if window[1] < window[0]:
            continue
        try:
            if declared.schedule == "per_weekday":
                planned = plan_per_weekday(sak_id, benefit, declared, vedtak, window, rules)
                payments += [p for p in planned if p.due <= until]
            else:
                payments += plan_per_month(sak_id, benefit, declared, vedtak, window, rules, until)
        except Undetermined as error:
            undetermined.append(error)
    return Plan(tuple(payments), tuple(undetermined))


def record_parts(benefit: str) -> frozenset[str]:
    """The parts of a vedtak's stored decision record the plan of `benefit` reads: a benefit
    paid per meldekort reads neither (each approved period brings its amount), one paid per
    month its `amounts`, one paid per weekday its `amounts` and `input_facts` (the periods
    and who is paid). A store can leave out what is not read."""
    profile = PROFILES.get(benefit)
    declared = profile.payments if profile is not None else None
    if declared is None or declared.schedule == "per_meldekort":
        return frozenset()
    if declared.schedule == "per_month":
        return frozenset({"amounts"})
    return frozenset({"amounts", "input_facts"})


def due_by(plan: Plan, until: dt.date) -> Plan:
    """The part of a plan due on or before `until`. A plan made for a later day with the
    same rules, cut at `until`, is the plan for `until`: every payment's due day is fixed by
    its period and the rules, never by the day the plan is made for."""
    return Plan(tuple(p for p in plan.payments if p.due <= until), plan.undetermined)


def next_due(plan: Plan, after: dt.date) -> dt.date | None:
    """The first due day after `after` in a plan (None: nothing falls due in it)."""
    return min((p.due for p in plan.payments if p.due > after), default=None)


def settle(plan: Iterable[PlannedPayment], existing: Iterable[ExistingLine]) -> list[PaymentLine]:
    """The new lines that bring what was paid for each key to what the plan says.

    A key planned and not yet paid gets correction 0 with its full amount. A key paid with a
    different amount gets the next correction number and the difference: positive is
    etterbetaling, negative feilutbetaling. A key paid but no longer planned (a revurdering
    stopped it) gets a line taking back all of it. A key whose sum matches gets nothing, so
    settling twice gives nothing the second time."""
    paid: dict[PaymentKey, int] = {}
    last_correction: dict[PaymentKey, int] = {}
    for line in existing:
        last_correction[line.key] = max(last_correction.get(line.key, -1), line.correction)
        if not line.cancelled:
            paid[line.key] = paid.get(line.key, 0) + line.gross_ore
    out: list[PaymentLine] = []
    planned: dict[PaymentKey, PlannedPayment] = {}
    for payment in plan:
        if payment.key in planned:
            raise ValueError(f"the plan has two payments for {payment.key}")
        planned[payment.key] = payment
    for key, payment in planned.items():
        difference = payment.gross_ore - paid.get(key, 0)
        if difference == 0 and key in last_correction:
            continue
        if difference == 0 and payment.gross_ore == 0:
            continue
        correction = last_correction.get(key, -1) + 1
        out.append(
            PaymentLine(
                line_id(key, correction),
                key,
                correction,
                difference,
                payment.due,
                payment.payee,
                payment.basis,
                payment.vedtak_id,
            )
        )
    for key, amount in paid.items():
        if key not in planned and amount != 0:
            correction = last_correction[key] + 1
            out.append(
                PaymentLine(
                    line_id(key, correction),
                    key,
                    correction,
                    -amount,
                    key.period_end,
                    "person",
                    "no longer due after a new vedtak",
                )
            )
    return sorted(out, key=lambda line: (line.key.period_start, line.key.kind, line.correction))


@dataclass(frozen=True)
class SimulatedPeriod:
    """One period of a simulation: what the proposal gives, what was paid, the difference."""

    kind: str
    period_start: dt.date
    period_end: dt.date
    proposed_ore: int
    paid_ore: int

    @property
    def difference_ore(self) -> int:
        return self.proposed_ore - self.paid_ore


@dataclass(frozen=True)
class Simulation:
    """Simulering: a proposed vedtak's payments period by period against what was paid.
    `etterbetaling_ore` is what would be paid in addition, `feilutbetaling_ore` what was
    paid too much (positive numbers)."""

    periods: tuple[SimulatedPeriod, ...]
    undetermined: tuple[str, ...]

    @property
    def etterbetaling_ore(self) -> int:
        return sum(p.difference_ore for p in self.periods if p.difference_ore > 0)

    @property
    def feilutbetaling_ore(self) -> int:
        return -sum(p.difference_ore for p in self.periods if p.difference_ore < 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "periods": [
                {
                    "kind": p.kind,
                    "period_start": p.period_start.isoformat(),
                    "period_end": p.period_end.isoformat(),
                    "proposed_ore": p.proposed_ore,
                    "paid_ore": p.paid_ore,
                }
                for p in self.periods
            ],
            "undetermined": list(self.undetermined),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Simulation:
        return cls(
            tuple(
                SimulatedPeriod(
                    p["kind"],
                    dt.date.fromisoformat(p["period_start"]),
                    dt.date.fromisoformat(p["period_end"]),
                    int(p["proposed_ore"]),
                    int(p["paid_ore"]),
                )
                for p in doc["periods"]
            ),
            tuple(doc.get("undetermined", ())),
        )


def simulate(plan: Plan, existing: Iterable[ExistingLine]) -> Simulation:
    """The proposal's plan against what the existing lines paid, per period."""
    paid: dict[PaymentKey, int] = {}
    for line in existing:
        if not line.cancelled:
            paid[line.key] = paid.get(line.key, 0) + line.gross_ore
    proposed = {p.key: p.gross_ore for p in plan.payments}
    keys = sorted(set(paid) | set(proposed), key=lambda k: (k.period_start, k.kind))
    return Simulation(
        tuple(
            SimulatedPeriod(
                k.kind, k.period_start, k.period_end, proposed.get(k, 0), paid.get(k, 0)
            )
            for k in keys
            if proposed.get(k, 0) or paid.get(k, 0)
        ),
        tuple(u.reason for u in plan.undetermined),
    )


def simulation_differences(before: Simulation, after: Simulation) -> list[str]:
    """What differs between two simulations of one proposal: a period present in one only,
    or any amount that differs (by one øre or more, so by one krone too)."""
    first = {(p.kind, p.period_start, p.period_end): p for p in before.periods}
    second = {(p.kind, p.period_start, p.period_end): p for p in after.periods}
    out: list[str] = []
    for key in sorted(set(first) | set(second)):
        label = f"{key[0]} {key[1].isoformat()}–{key[2].isoformat()}"
        if key not in second:
            out.append(f"{label}: only in the caseworker's simulation")
        elif key not in first:
            out.append(f"{label}: only in the approver's simulation")
        elif first[key] != second[key]:
            out.append(
                f"{label}: {first[key].proposed_ore} øre proposed and {first[key].paid_ore} "
                f"paid before, now {second[key].proposed_ore} and {second[key].paid_ore}"
            )
    if before.undetermined != after.undetermined:
        out.append("undetermined: " + ", ".join(after.undetermined or ("nothing",)))
    return out
