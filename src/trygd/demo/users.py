"""The demo employees: one per role and unit that the demo cases need.

NAV-ident style ids (a letter and six digits) as in NAV's own systems; the names are
invented. Units are those `trygd.domain.units` routes the demo cases to. The application
hands this list to the services' `DemoUsers` in demo mode (`trygd.api.app.create_app`); the
pages and the API read it from there.
"""

from __future__ import annotations

from trygd.services.demo_users import DemoEmployee

EMPLOYEES: tuple[DemoEmployee, ...] = (
    DemoEmployee("Z990101", "Kari Saksbehandler", ("caseworker",), "0312", (), "AAP, Nav Frogner"),
    DemoEmployee("Z990102", "Ola Beslutter", ("approver",), "0312", (), "AAP, Nav Frogner"),
    DemoEmployee(
        "Z990201", "Ingrid Saksbehandler", ("caseworker",), "4405", (), "Uføretrygd, NAY Innlandet"
    ),
    DemoEmployee(
        "Z990202", "Per Beslutter", ("approver",), "4405", (), "Uføretrygd, NAY Innlandet"
    ),
    DemoEmployee("Z990301", "Nils Saksbehandler", ("caseworker",), "4450", (), "Dagpenger, NAY"),
    DemoEmployee("Z990302", "Eva Beslutter", ("approver",), "4450", (), "Dagpenger, NAY"),
    DemoEmployee("Z990401", "Sara Saksbehandler", ("caseworker",), "4488", (), "Sykepenger, NAY"),
    DemoEmployee("Z990402", "Jon Beslutter", ("approver",), "4488", (), "Sykepenger, NAY"),
    DemoEmployee(
        "Z990501",
        "Hanne Vikafossen",
        ("caseworker",),
        "2103",
        ("strengt_fortrolig", "fortrolig"),
        "Protected persons, Nav Vikafossen",
    ),
    DemoEmployee(
        "Z990502",
        "Tor Vikafossen",
        ("approver",),
        "2103",
        ("strengt_fortrolig", "fortrolig"),
        "Protected persons, Nav Vikafossen",
    ),
    DemoEmployee("Z990601", "Lise Klageinstans", ("appeals",), "4291", (), "NAV Klageinstans Oslo"),
    DemoEmployee("Z990701", "Arne Revisor", ("auditor",), None, (), "Internal control"),
)

BY_ID = {employee.id: employee for employee in EMPLOYEES}
