"""One home per benefit: no code outside a benefit's home names it, and every home is complete.

A benefit's meaning (rules, questions, names, letter wording, routing, automation, coverage,
guide) is declared in `trygd.rules.benefits.<id>`; the other layers read `BENEFITS` and
`PROFILES`. A string literal equal to a benefit id anywhere else in `src/trygd` is a table or
a branch that belongs in the home, so the scan below fails on it. The catalogues (.po) are
texts and are not scanned.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import trygd
from trygd.rules.benefits import BENEFITS, PROFILES
from trygd.rules.profiles import (
    CLAIM_DATE,
    Application,
    Automation,
    BenefitProfile,
    Coverage,
    Guide,
    Letters,
    Names,
    Routing,
)

SOURCE = Path(trygd.__file__).resolve().parent
HOMES = SOURCE / "rules" / "benefits"

# Files that may name a benefit, and why. Keep this short: a new entry needs a reason that a
# table in the benefit's home cannot serve.
ALLOWED = {
    # The demo's invented persons and cases: each story is about one particular benefit.
    "demo/seed.py": "invented demo cases",
    "demo/tilbakekreving.py": "invented demo cases (uføretrygd lowered after months paid)",
    # A migration is a frozen copy of the code of its day (it must not follow later homes):
    # 0008 converts old results with its own copy of each benefit's parameter short names.
    "store/migrations/versions/0008_decision_records.py": "frozen conversion of old results",
}


def benefit_literals(root: Path, benefit_ids: set[str]) -> list[str]:
    """Every string literal equal to a benefit id in the Python modules and Jinja templates
    under `root`, outside the benefits' homes, as "path:line: 'id'"."""
    found: list[str] = []
    alternatives = "|".join(map(re.escape, sorted(benefit_ids)))
    quoted = re.compile(r"""(["'])(""" + alternatives + r""")\1""")
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("rules/benefits/") or relative in ALLOWED:
            continue
        if path.suffix == ".py":
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found.extend(
                f"{relative}:{node.lineno}: {node.value!r}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and node.value in benefit_ids
            )
        elif path.suffix in (".html", ".j2", ".txt") and "templates" in path.parts:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found.extend(f"{relative}:{number}: {m.group(2)!r}" for m in quoted.finditer(line))
    return found


def test_no_code_outside_a_benefits_home_names_the_benefit() -> None:
    found = benefit_literals(SOURCE, set(BENEFITS))
    assert found == [], (
        "benefit ids named outside their home (declare it in the benefit's profile and read "
        "trygd.rules.benefits.PROFILES instead):\n" + "\n".join(found)
    )


def test_the_scan_finds_a_table_and_a_template_branch(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "pages.py").write_text('NAMES = {"aap": "AAP"}\nif b == "other": pass\n')
    (tmp_path / "web" / "templates").mkdir()
    (tmp_path / "web" / "templates" / "page.html").write_text(
        "{% if benefit == 'dagpenger' %}x{% endif %}\n"
    )
    (tmp_path / "rules" / "benefits" / "aap").mkdir(parents=True)
    (tmp_path / "rules" / "benefits" / "aap" / "profile.py").write_text('ID = "aap"\n')
    assert benefit_literals(tmp_path, {"aap", "dagpenger"}) == [
        "web/pages.py:1: 'aap'",
        "web/templates/page.html:1: 'dagpenger'",
    ]


def test_every_allowed_file_still_exists() -> None:
    for relative in ALLOWED:
        assert (SOURCE / relative).is_file(), relative


# -- the registry ---------------------------------------------------------------------------


def test_every_benefit_has_a_home_with_rules_and_a_profile() -> None:
    assert list(BENEFITS) == sorted(PROFILES)
    for benefit, profile in PROFILES.items():
        assert isinstance(profile, BenefitProfile)
        assert profile.id == benefit == BENEFITS[benefit].id
        assert (HOMES / benefit / "rules.py").is_file()
        assert (HOMES / benefit / "profile.py").is_file()
        assert (SOURCE / "rules" / "texts" / f"{benefit}.toml").is_file()
        assert (SOURCE / "rules" / "parameters" / f"{benefit}.toml").is_file()


@pytest.mark.parametrize("benefit", sorted(PROFILES))
def test_every_profile_field_is_filled_in(benefit: str) -> None:
    profile = PROFILES[benefit]
    for part, kind in (
        (profile.names, Names),
        (profile.application, Application),
        (profile.letters, Letters),
        (profile.routing, Routing),
        (profile.automation, Automation),
        (profile.coverage, Coverage),
        (profile.guide, Guide),
    ):
        assert isinstance(part, kind)
    for field in dataclasses.fields(Names):
        assert getattr(profile.names, field.name), field.name
    assert profile.application.questions
    assert profile.changeable
    assert profile.letters.payment and profile.letters.changes
    assert profile.routing.klageinstans and profile.routing.source and profile.routing.note
    assert profile.automation.reason
    assert profile.guide.situations


@pytest.mark.parametrize("benefit", sorted(PROFILES))
def test_every_profile_names_facts_and_amounts_its_rules_know(benefit: str) -> None:
    from trygd.web.guide import SITUATIONS, Answers

    profile, rules = PROFILES[benefit], BENEFITS[benefit]
    inputs = {fact.name for fact in (*rules.input_facts, *rules.facts)}
    asked = [q.fact for q in profile.application.questions]
    assert len(asked) == len(set(asked))
    assert set(asked) - {CLAIM_DATE} <= inputs
    assert set(profile.changeable) <= inputs
    assert set(profile.application.looked_up) <= inputs
    assert set(profile.application.nested_amounts or ()) <= set(asked)
    assert set(profile.guide.facts) <= inputs
    answer_fields = {field.name for field in dataclasses.fields(Answers)}
    assert set(profile.guide.facts.values()) <= answer_fields
    assert set(profile.guide.situations) <= set(SITUATIONS)
    calculated = {rule.id for rule in rules.rules if rule.kind == "calculation"}
    assert profile.letters.headline[0] in calculated
    assert profile.letters.payment_from in (None, *calculated)
    if profile.coverage.kind in ("weeks_amount", "date_amount"):
        assert profile.coverage.name in calculated


@pytest.mark.parametrize("benefit", sorted(PROFILES))
def test_every_profile_text_is_in_the_catalogues(benefit: str) -> None:
    from trygd.letters.i18n import template_ids
    from trygd.web.i18n import catalogue_problems, used_message_ids

    profile = PROFILES[benefit]
    page_texts = [
        profile.names.heading,
        profile.names.in_text,
        profile.names.staff,
        profile.names.stops,
        *profile.changeable.values(),
        *(q.text for q in profile.application.questions),
        *(q.hint for q in profile.application.questions if q.hint),
    ]
    letter_texts = [
        profile.names.letter,
        profile.names.letter_title,
        *profile.letters.payment,
        *profile.letters.changes,
        *profile.letters.payment_intro,
    ]
    assert set(page_texts) <= used_message_ids()
    assert set(letter_texts) <= set(template_ids())
    # Translated in nb and nn; present in en, whose empty entries print the English id.
    problems = catalogue_problems(("nb", "nn", "en"))
    mine = [p for p in problems if any(repr(text) in p for text in page_texts)]
    assert [p for p in mine if not p.startswith("en: untranslated")] == []
