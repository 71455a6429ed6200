"""The local OpenID provider for development and tests, with the demo users as its users.

    python -m trygd.demo.oidc --port 8001 --trygd-url http://127.0.0.1:8000 --folder DIR

writes two files to DIR and then runs the provider (`scripts/oidc-provider/server.mjs`, on
npm's `oidc-provider`) in the foreground on 127.0.0.1:PORT:

- `provider.json`, the provider's configuration: an ID-porten-like issuer at /idporten whose
  users are the demo persons (`pid` = the identity number the demo seed gives them, `locale`
  their language), and an Entra-ID-like issuer at /entra whose users are the demo employees
  (`NAVident`, and `groups` with the object ids of the groups that give their roles, unit
  and clearances); trygd's client at each has its `backchannel_logout_uri`
  (/login/<issuer>/backchannel-logout), so signing out at the provider ends trygd's session;
- `trygd.json`, trygd's side of it (`trygd.api.oidc`): the two issuers, trygd's client at
  each, the audience of their access tokens, and the map from group object ids to roles,
  units and clearances. `trygd serve` reads it when TRYGD_OIDC_CONFIG names it.

The group names are NAV's own for the clearances (0000-GA-Strengt_Fortrolig_Adresse,
0000-GA-Fortrolig_Adresse, 0000-GA-Egne_ansatte, as NAV's access-control code names them); the
role and unit groups are invented. Object ids are made from the names (UUID 5), so both files
agree without sharing anything but this module. The client secret is made afresh each time:
it only has to be the same in both files.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trygd.demo.seed import PERSONS
from trygd.demo.users import EMPLOYEES
from trygd.domain.identity import synthetic_identity_number

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "oidc-provider" / "server.mjs"
CLIENT_ID = "trygd"
AUDIENCE = "api://trygd"
ROLE_GROUPS = {
    "caseworker": "0000-GA-Trygd-Saksbehandler",
    "approver": "0000-GA-Trygd-Beslutter",
    "appeals": "0000-GA-Trygd-Klageinstans",
    "auditor": "0000-GA-Trygd-Revisor",
}
CLEARANCE_GROUPS = {
    "strengt_fortrolig": "0000-GA-Strengt_Fortrolig_Adresse",
    "fortrolig": "0000-GA-Fortrolig_Adresse",
    "skjerming": "0000-GA-Egne_ansatte",
}
GROUP_NAMESPACE = uuid.UUID("6f1d3c1e-8c1a-4d55-9b0e-7d1f2a3b4c5d")


def group_id(name: str) -> str:
    """The (invented) object id of Entra ID group `name`."""
    return str(uuid.uuid5(GROUP_NAMESPACE, name))


def unit_group(unit: str) -> str:
    return f"0000-GA-ENHET_{unit}"


def citizen_subject(identity_number: str) -> str:
    """The `sub` of a demo person: like ID-porten's, not the identity number itself."""
    return str(uuid.uuid5(GROUP_NAMESPACE, "person:" + identity_number))


def groups() -> dict[str, dict[str, Any]]:
    """trygd's map of group object ids to what they give."""
    mapped: dict[str, dict[str, Any]] = {}
    for role, name in ROLE_GROUPS.items():
        mapped[group_id(name)] = {"name": name, "roles": [role]}
    for clearance, name in CLEARANCE_GROUPS.items():
        mapped[group_id(name)] = {"name": name, "clearances": [clearance]}
    for unit in sorted({e.unit for e in EMPLOYEES if e.unit}):
        mapped[group_id(unit_group(unit))] = {"name": unit_group(unit), "unit": unit}
    return mapped


def citizens() -> list[dict[str, Any]]:
    return [
        {
            "id": citizen_subject(number),
            "label": person.name,
            "claims": {"pid": number, "name": person.name, "locale": person.language},
        }
        for index, person in enumerate(PERSONS)
        for number in [synthetic_identity_number(person.birth_date, index)]
    ]


def employees() -> list[dict[str, Any]]:
    users = []
    for employee in EMPLOYEES:
        names = [ROLE_GROUPS[r] for r in employee.roles]
        names += [CLEARANCE_GROUPS[c] for c in employee.clearances]
        if employee.unit:
            names.append(unit_group(employee.unit))
        users.append(
            {
                "id": employee.id,
                "label": employee.name,
                "hint": f"{employee.id}, {employee.description}",
                "claims": {
                    "NAVident": employee.id,
                    "name": employee.name,
                    "groups": [group_id(n) for n in names],
                },
            }
        )
    return users


def configs(
    port: int, trygd_url: str, secret: str | None = None, backchannel_url: str | None = None
) -> tuple[dict[str, Any], ...]:
    """(the provider's configuration, trygd's) for a provider on 127.0.0.1:`port` and trygd
    at `trygd_url`; the provider posts its logout tokens to `backchannel_url` (default
    `trygd_url`: where the provider itself reaches trygd, if not where the browser does)."""
    trygd_url = trygd_url.rstrip("/")
    backchannel_url = backchannel_url.rstrip("/") if backchannel_url else None
    secret = secret or secrets.token_urlsafe(32)
    base = f"http://127.0.0.1:{port}"
    client = {
        "client_id": CLIENT_ID,
        "client_secret": secret,
        "post_logout_redirect_uris": [f"{trygd_url}/"],
    }
    issuers = {
        "idporten": {
            "kind": "citizen",
            "title": "ID-porten (lokal)",
            "users": citizens(),
        },
        "entra": {
            "kind": "staff",
            "title": "Entra ID for NAV (lokal)",
            "users": employees(),
        },
    }
    provider = {
        "host": "127.0.0.1",
        "port": port,
        "issuers": [
            {
                "name": name,
                "path": f"/{name}",
                "kind": spec["kind"],
                "title": spec["title"],
                "audience": AUDIENCE,
                "clients": [
                    {
                        **client,
                        "redirect_uris": [f"{trygd_url}/login/{name}/callback"],
                        # Back-Channel Logout 1.0: signing out at the provider ends the
                        # session at trygd too; the logout token names the provider's `sid`.
                        "backchannel_logout_uri": (
                            f"{backchannel_url or trygd_url}/login/{name}/backchannel-logout"
                        ),
                        "backchannel_logout_session_required": True,
                    }
                ],
                "users": spec["users"],
            }
            for name, spec in issuers.items()
        ],
    }
    trygd = {
        "public_url": trygd_url,
        "issuers": {
            name: {
                "kind": spec["kind"],
                "title": spec["title"],
                "issuer": f"{base}/{name}",
                "client_id": CLIENT_ID,
                "client_secret": secret,
                "audience": AUDIENCE,
                **({"groups": groups()} if spec["kind"] == "staff" else {}),
            }
            for name, spec in issuers.items()
        },
    }
    return provider, trygd


def write_configs(
    folder: Path, port: int, trygd_url: str, backchannel_url: str | None = None
) -> tuple[Path, Path]:
    """Write `provider.json` and `trygd.json` to `folder` (readable by this user only: they
    hold the client secret)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "provider.json", folder / "trygd.json")
    made = configs(port, trygd_url, backchannel_url=backchannel_url)
    for path, data in zip(paths, made, strict=True):
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        path.chmod(0o600)
    return paths


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise SystemExit("node is not installed: the local OpenID provider needs Node.js")
    return found


def available() -> bool:
    """Whether the provider can run here: Node.js, and npm's oidc-provider installed."""
    return shutil.which("node") is not None and (ROOT / "node_modules" / "oidc-provider").is_dir()


@contextmanager
def running(
    folder: Path,
    port: int,
    trygd_url: str,
    timeout: float = 30.0,
    backchannel_url: str | None = None,
) -> Iterator[Path]:
    """The provider on 127.0.0.1:`port` for trygd at `trygd_url` (its logout tokens posted
    to `backchannel_url`, default `trygd_url`), until the block ends; yields the path of
    trygd's side of the configuration (for TRYGD_OIDC_CONFIG). Its output goes to
    `folder`/provider.log."""
    provider_config, trygd_config = write_configs(folder, port, trygd_url, backchannel_url)
    with (folder / "provider.log").open("w") as log:
        process = subprocess.Popen(
            [node(), str(SCRIPT), str(provider_config)],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(process, port, timeout, folder / "provider.log")
            yield trygd_config
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_for(process: subprocess.Popen[Any], port: int, timeout: float, log: Path) -> None:
    url = f"http://127.0.0.1:{port}/idporten/.well-known/openid-configuration"
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the OpenID provider did not answer within {timeout} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local OpenID provider")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--trygd-url", default="http://127.0.0.1:8000")
    parser.add_argument("--folder", type=Path, default=ROOT / ".dev" / "oidc")
    args = parser.parse_args(argv)
    provider_config, trygd_config = write_configs(args.folder, args.port, args.trygd_url)
    print(f"trygd's side: TRYGD_OIDC_CONFIG={trygd_config}", flush=True)
    os.execv(node(), [node(), str(SCRIPT), str(provider_config)])


if __name__ == "__main__":
    main(sys.argv[1:])
