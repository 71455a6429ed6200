"""The copy of a person's data (GDPR art. 15 and 20) covers every table that holds data about
them: each table in the models is exported, withheld with a reason, or not personal with a
reason, and a table that refers to a person (directly, or through a case, a behandling, a
klage, a draft, a meldekort or a payment) cannot be called "not personal". A new table fails
here until it is placed."""

from __future__ import annotations

import pytest
from support import dagpenger_application

from trygd.privacy.policy import Actor, Role
from trygd.services import export
from trygd.services.unit_of_work import RequestContext
from trygd.store.models import Base

# Columns that name a person, or a record that belongs to one.
PERSON_COLUMNS = {"person_id", "identity_number"}


def _refers_to_a_person() -> set[str]:
    """The tables with a person column, and (repeatedly) those with a foreign key to one."""
    tables = Base.metadata.tables
    personal = {"persons"} | {
        name for name, table in tables.items() if PERSON_COLUMNS & set(table.columns.keys())
    }
    while True:
        more = {
            name
            for name, table in tables.items()
            if name not in personal
            and any(fk.column.table.name in personal for fk in table.foreign_keys)
        }
        if not more:
            return personal
        personal |= more


def test_every_table_is_placed_once():
    placed = [*export.EXPORTED, *export.WITHHELD, *export.NOT_PERSONAL]
    assert len(placed) == len(set(placed)), "a table is placed twice"
    missing = set(Base.metadata.tables) - set(placed)
    assert not missing, f"tables not in the export's lists (export.py): {sorted(missing)}"
    unknown = set(placed) - set(Base.metadata.tables)
    assert not unknown, f"no such tables: {sorted(unknown)}"


def test_a_table_that_refers_to_a_person_is_not_called_not_personal():
    wrongly = _refers_to_a_person() & set(export.NOT_PERSONAL)
    assert not wrongly, f"these refer to a person: {sorted(wrongly)}"


def test_every_withheld_or_impersonal_table_has_a_reason():
    for name, reason in {**export.WITHHELD, **export.NOT_PERSONAL}.items():
        assert len(reason) > 20, name


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_export_holds_the_sections_it_promises(service, make_person):
    anna = make_person("Anna Dahl")
    me = RequestContext(
        actor=Actor(f"person:{anna.id}", anna.name, frozenset({Role.CITIZEN}), None, str(anna.id))
    )
    service.submit_application(me, dagpenger_application())
    service.submit_privacy_request(me, {"kind": "access"})
    service.run_due_jobs()
    data = service.export_own_data(me, "nb")
    for where in export.EXPORTED.values():
        for part in where.split(", "):
            path = part.split(" ")[0].split(".")
            node = data
            for step in path:
                key = step.removesuffix("[]")
                if isinstance(node, list):
                    if not node:
                        break  # nothing of this kind for Anna: the list itself is there
                    node = node[0]
                assert key in node, f"{part}: {key} is not in the export"
                node = node[key]
    assert data["privacy_requests"][0]["kind"] == "access"
