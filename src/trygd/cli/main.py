"""`trygd`: assess applications, publish the formats, and simulate a population.

Every command that reads input answers bad input with one message naming the field and the
problem, and exit code 2; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from trygd.applications.inputs import InputError, input_schema, parse_application
from trygd.applications.output_schema import output_schema
from trygd.cli import server
from trygd.cli.audit import audit_app
from trygd.cli.labels import label
from trygd.cli.payments import payments_app
from trygd.cli.recompute import recompute_command
from trygd.cli.regulate import regulate_command
from trygd.cli.render import show_assessment
from trygd.cli.retention import retention_app
from trygd.cli.simulation_view import show_simulation, simulation_json
from trygd.cli.vedtak import vedtak_app
from trygd.population.simulation import simulate
from trygd.rules.assessment import Assessment, Ruleset, assess, default_ruleset
from trygd.rules.benefits import BENEFITS
from trygd.rules.declarations import FactError
from trygd.rules.parameters import ParameterError

app = typer.Typer(
    help="trygd — assess applications for Norwegian national-insurance benefits "
    "(dagpenger, sykepenger, AAP, uføretrygd) against folketrygdloven, and simulate reforms.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)


class Language(StrEnum):
    nb = "nb"
    nn = "nn"
    en = "en"


class SchemaKind(StrEnum):
    input = "input"
    output = "output"


def fail(message: str) -> NoReturn:
    """Report bad input on stderr and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a valid date (write it as YYYY-MM-DD)")


def assess_file(path: Path, at: dt.date | None, language: str) -> Assessment:
    """Read, validate and assess one application file; bad input ends the command."""
    try:
        text = path.read_bytes()
    except OSError as error:
        fail(f"{path}: cannot read the file ({error.strerror})")
    try:
        application = parse_application(text)
        facts = application.facts
        keeps = BENEFITS[application.benefit].claim_date_fact
        if at is not None and keeps is not None and facts.get(keeps) is None:
            # Assessed on another day, as a revurdering is: the rules keep counting from the
            # application's claim date where they must (dagpenger's earning period).
            facts = {**facts, keeps: application.claim_date}
        return assess(application.benefit, facts, at or application.claim_date, language=language)
    except InputError as error:
        fail(f"{path}: " + "; ".join(f"{field}: {problem}" for field, problem in error.problems))
    except FactError as error:
        found = "; ".join(f"facts.{name}: {problem}" for name, problem in error.problems)
        fail(f"{path}: {found}")
    except ParameterError as error:
        fail(f"{path}: at: {error}")


@app.command("assess")
def assess_command(
    file: Annotated[Path, typer.Argument(help="Application in the JSON input format")],
    at: Annotated[
        str | None, typer.Option(help="Assess on this date (YYYY-MM-DD); default: claim_date")
    ] = None,
    lang: Annotated[Language, typer.Option(help="Language of the explanations")] = Language.nb,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the result as JSON (`trygd schema output`)")
    ] = False,
) -> None:
    """Assess one application: outcome, each condition with its § and explanation, amounts."""
    assessment = assess_file(file, parse_date(at, "--at"), lang.value)
    if as_json:
        print(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
        for warning in assessment.warnings:  # the JSON has them too; tell the person as well
            typer.echo(f"{label('warning', lang.value)}: {warning}", err=True)
    else:
        show_assessment(console, assessment, str(file))


@app.command("schema")
def schema_command(
    kind: Annotated[SchemaKind, typer.Argument(help="input (applications) or output (results)")],
) -> None:
    """Print the JSON Schema of the input or the output format."""
    schema = input_schema() if kind is SchemaKind.input else output_schema()
    print(json.dumps(schema, ensure_ascii=False, indent=2))


@app.command("demo")
def demo_command(
    folder: Annotated[Path, typer.Option(help="Folder of example applications")] = Path("examples"),
    lang: Annotated[Language, typer.Option(help="Language of the explanations")] = Language.nb,
) -> None:
    """Assess every example application and show each result, then a summary."""
    files = sorted(folder.glob("*.json"))
    if not files:
        fail(f"{folder}: no example applications (*.json) found")
    table = Table(title="trygd demo")
    for column in ("file", "benefit", "at", "outcome", "failing or undetermined"):
        table.add_column(column)
    for path in files:
        assessment = assess_file(path, None, lang.value)
        show_assessment(console, assessment, str(path))
        table.add_row(
            path.name,
            assessment.benefit,
            assessment.at.isoformat(),
            label(assessment.outcome.value, lang.value),
            ", ".join(assessment.failing_conditions + assessment.undetermined),
        )
    console.print(table)


@app.command("parameters")
def parameters_command(
    at: Annotated[str | None, typer.Option(help="Show values in force on this date")] = None,
    name: Annotated[
        str | None, typer.Option(help="Only parameters whose name contains this")
    ] = None,
) -> None:
    """List the legal parameters in force on a date, with their legal basis and source."""
    when = parse_date(at, "--at") or dt.date.today()
    table = Table(title=f"Parameters in force on {when.isoformat()}")
    for column in ("name", "value", "unit", "from", "legal basis", "source", "status"):
        table.add_column(column, overflow="fold")
    for parameter in sorted(default_ruleset().parameters.parameters.values(), key=lambda p: p.name):
        if name and name not in parameter.name:
            continue
        if parameter.by_year:
            last = parameter.values[-1]
            table.add_row(
                parameter.name,
                "by year",
                parameter.unit,
                f"{parameter.values[0].start.year}–{last.start.year}",
                parameter.legal_basis,
                last.source,
                last.status,
            )
            continue
        try:
            value = parameter.value_at(when)
        except ParameterError:
            continue
        table.add_row(
            parameter.name,
            f"{value.value:g}" if value.in_force else "not in force",
            parameter.unit,
            value.start.isoformat(),
            parameter.legal_basis,
            value.source,
            value.status,
        )
    console.print(table)


app.command("serve")(server.serve_command)
app.command("worker")(server.worker_command)
app.command("regulate")(regulate_command)
app.command("recompute")(recompute_command)
app.add_typer(audit_app, name="audit")
app.add_typer(vedtak_app, name="vedtak")
app.add_typer(payments_app, name="payments")
app.add_typer(retention_app, name="retention")


def main() -> None:
    app()


def load_reform(path: Path) -> Ruleset:
    """A rule-set with the reform file's parameter changes; bad files end the command."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"{path}: cannot read the file ({error.strerror})")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        fail(f"{path}: not a valid TOML file ({error})")
    try:
        label_text = str(data.get("title", path.stem))
        return Ruleset(default_ruleset().parameters.with_reform(data, label_text))
    except ParameterError as error:
        fail(f"{path}: {error}")


@app.command("simulate")
def simulate_command(
    persons: Annotated[
        int, typer.Option(min=1, max=50_000_000, help="Synthetic persons")
    ] = 100_000,
    at: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD); default today")] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the synthetic population")] = 1,
    reform: Annotated[
        Path | None, typer.Option(help="TOML file of parameter changes to compare with")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON")] = False,
) -> None:
    """Run all four benefits over a synthetic population: granted, yearly cost, speed;
    with --reform, baseline and reform side by side with winners and losers."""
    when = parse_date(at, "--at") or dt.date.today()
    reform_set = load_reform(reform) if reform else None
    benefits = list(BENEFITS.values())
    try:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=errors,
            disable=as_json,
        ) as progress:
            task = progress.add_task("persons", total=persons)
            result = simulate(
                benefits,
                persons,
                when,
                seed,
                default_ruleset(),
                reform_set,
                progress=lambda n: progress.advance(task, n),
            )
    except ParameterError as error:
        fail(f"--at: {error}")
    if as_json:
        print(json.dumps(simulation_json(result), indent=2))
    else:
        show_simulation(console, result)
