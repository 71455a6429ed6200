"""The staff case page shows the simulation (simulering) kept with a proposal."""

from __future__ import annotations

import re

from test_staff_routes import demo_site, signed_in

from trygd.services.facade import SYSTEM_ACTOR
from trygd.services.unit_of_work import RequestContext


def test_the_approver_sees_the_simulation_stored_with_the_proposal(tmp_path):
    client, service = demo_site(tmp_path)
    approver = signed_in(client, "Z990102")
    queue = approver.get("/staff/tasks", params={"kind": "approve"}).text
    (case,) = set(re.findall(r'href="/staff/behandlinger/([0-9a-f-]+)"', queue))
    page = approver.get(f"/staff/behandlinger/{case}")
    assert page.status_code == 200
    stored = service.payment_simulation(RequestContext(actor=SYSTEM_ACTOR), case)
    assert stored is not None  # the demo's proposal was simulated when it was proposed
    assert 'id="simulation-heading"' in page.text
    if stored.periods:
        rows = re.findall(r"<tr><th scope=\"row\">", page.text.split('data-testid="simulation"')[1])
        assert len(rows) >= len(stored.periods)
    else:
        assert "Ingen utbetalinger er forfalt" in page.text or "No payments are due" in page.text
