"""Readable terminal output of an assessment: a tree of conditions and the calculation."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from trygd.cli.labels import label
from trygd.rules.assessment import Assessment, RuleResult
from trygd.rules.formatting import date

_MARKS = {
    "met": ("✔", "green"),
    "not_met": ("✘", "red"),
    "undetermined": ("?", "yellow"),
    "determined": ("=", "cyan"),
}
_OUTCOME_STYLE = {
    "granted": "bold green",
    "rejected": "bold red",
    "manual_assessment": "bold yellow",
}


def _branch(tree: Tree, result: RuleResult, language: str) -> None:
    mark, style = _MARKS[result.status]
    heading = Text.assemble(
        (f"{mark} ", style),
        (result.title, "bold"),
        (f"  {result.legal_basis}", "dim"),
        (f"  [{label(result.status, language)}]", style),
    )
    tree.add(heading).add(Text(result.explanation))


def show_assessment(console: Console, assessment: Assessment, source: str | None = None) -> None:
    language = assessment.language
    title = Text.assemble(
        (assessment.benefit.capitalize(), "bold"),
        f" ({assessment.chapter}) — {label('assessed_on', language)} ",
        date(assessment.at, language),
    )
    outcome = Text.assemble(
        f"{label('outcome', language)}: ",
        (label(assessment.outcome.value, language), _OUTCOME_STYLE[assessment.outcome.value]),
        f" — {assessment.summary}",
    )
    conditions = Tree(Text(label("conditions", language), "bold"))
    for result in assessment.conditions:
        _branch(conditions, result, language)
    calculation = Tree(Text(label("calculation", language), "bold"))
    for result in assessment.calculations:
        _branch(calculation, result, language)
    footer = Text(
        f"{label('parameters', language)}: {len(assessment.parameters)} · "
        f"{label('ruleset', language)} {assessment.ruleset_version}",
        "dim",
    )
    parts: list[Text | Tree] = [outcome, conditions, calculation, footer]
    for warning in assessment.warnings:
        parts.insert(1, Text(f"{label('warning', language)}: {warning}", "bold yellow"))
    console.print(Panel(Group(*parts), title=title, subtitle=source, expand=False))
