"""The PyPI client `otb-cbso-webservice-pyclient` run unmodified against a sandbox: each version in a
virtualenv of its own (`tests/external.py`), driven by a runner script that changes only the host
the client addresses, as a vendor points its client at a test service. Keys come from the
`CBSO_KEY_*` variables the client reads.

A runner gets the sandbox's NBB base URL, a destination directory and a plan (days, improvement
days, companies, references), runs the client's library flows into `<destination>/api` and its
command line (`cbso-fetch`, through its `main`) into `<destination>/cli`, and writes what each
flow reported to `<destination>/outcome.json`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sandbox.testing import SandboxTenant
from tests.external import venv_python

PACKAGE = "otb-cbso-webservice-pyclient"
PRODUCTS = ("authentic", "extracts", "authentic-archive", "improved", "improved-archive")

# 2.2: functions per task over a storage directory, and a CLI with one subcommand per function.
RUNNER_2_2 = """
import json, sys
from pathlib import Path
from cbso_webservice_client import client as transport

url, out, plan = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
transport.HOSTS["production"] = url

import cbso_webservice_client as otb
from cbso_webservice_client.cli import main

api, cli = str(out / "api"), str(out / "cli")
reports, exits = {}, {}
everything = ["json", "xbrl", "pdf"]
reports["download authentic"] = otb.download(plan["days"], ["extracts", "authentic-archive"], api, everything)
reports["download improved"] = otb.download(plan["improved_days"], ["improved", "improved-archive"], api)
for number in plan["companies"]:
    reports[f"enterprise {number}"] = otb.download_enterprise(number, api)
for reference in plan["references"]:
    reports[f"reference {reference}"] = otb.download_reference(reference, api, ["all"])
reports["pdf-only accounts"] = otb.download_pdf_only_accounts(api)
reports["validate"] = otb.validate(api, everything)
reports["repair"] = otb.repair(api, everything)
reports["validate improved"] = otb.validate_improved(api)
reports["repair improved"] = otb.repair_improved(api)
commands = [
    ["download", *plan["days"], "--products", "extracts", "authentic-archive", "--destination", cli,
     "--formats", *everything],
    ["download", *plan["improved_days"], "--products", "improved", "improved-archive", "--destination", cli],
    ["download-enterprise", *plan["companies"], "--destination", cli],
    ["download-reference", *plan["references"], "--destination", cli, "--formats", "all"],
    ["download-pdf-only-accounts", cli],
    ["validate", cli, "--formats", *everything],
    ["repair", cli, "--formats", *everything],
    ["validate-improved", cli],
    ["repair-improved", cli],
    ["filter-consolidated-accounts", cli],
]
for command in commands:
    exits[" ".join(command[:2])] = main(command)
outcome = {
    "reports": {name: report.to_dict() for name, report in reports.items()},
    "exits": exits,
}
(out / "outcome.json").write_text(json.dumps(outcome))
"""

# 0.1: one client per product, a downloader of whole days (daily products, or the archives) that
# fills the gaps deposit by deposit, and a CLI (daily, backfill, deposit, legal-entity).
RUNNER_0_1 = """
import json, sys
from datetime import date
from pathlib import Path
from cbso_webservice_client import api as endpoints

url, out, plan = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
endpoints._HOSTS[endpoints.Environment.PRODUCTION] = url

from cbso_webservice_client import CbsoClient, Improvement, Representation, writer_for
from cbso_webservice_client.cli import main
from cbso_webservice_client.download import Downloader

api, cli = out / "api", str(out / "cli")
days = sorted({date.fromisoformat(day) for day in plan["days"] + plan["improved_days"]})
client = CbsoClient()
reports, listed = {}, {}
for name, archive in (("daily", False), ("archive", True)):
    report = Downloader(writer_for(str(api)), client).run(days, archive=archive)
    reports[name] = {"written": report.written, "unresolved": report.unresolved, "missing": report.missing}
forms = {"json": Representation.JSONXBRL, "xbrl": Representation.XBRL, "pdf": Representation.PDF}
for number in plan["companies"]:
    listed[number] = {
        "authentic": [r.reference_number for r in client.authentic.legal_entity_references(number)],
        "improved": [r.reference_number for r in client.improved.legal_entity_references(number)],
    }
for reference, formats in plan["documents"].items():
    assert client.authentic.reference(reference).reference_number == reference
    for form in formats:
        path = api / "documents" / f"{reference}.{'json' if form == 'json' else form}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(client.authentic.accounting_data(reference, forms[form]))
for reference, kinds in plan["improvements"].items():
    listed[reference] = [r.reference_number for r in client.improved.references(reference)]
    for kind in kinds:
        path = api / "improvements" / f"{reference}-{kind}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(client.improved.accounting_data(reference, Improvement(kind)))
commands = [
    ["daily", "--days", "5", "--destination", cli],
    ["backfill", "--from", plan["backfill"][0], "--to", plan["backfill"][1], "--destination", cli],
]
for reference, formats in plan["documents"].items():
    commands.append(["deposit", reference, "--formats", ",".join(formats), "--destination", cli])
for reference, kinds in plan["improvements"].items():
    for kind in kinds:
        commands.append(["deposit", reference, "--improvement", kind.replace("_", "-"), "--destination", cli])
for number in plan["companies"]:
    commands += [["legal-entity", number], ["legal-entity", number, "--improved"]]
exits = [[command, main(command)] for command in commands]
(out / "outcome.json").write_text(json.dumps({"reports": reports, "exits": exits, "listed": listed}))
"""

RUNNERS = {"2.2": RUNNER_2_2, "0.1": RUNNER_0_1}


def run(version: str, tenant: SandboxTenant, plan: dict, out: Path) -> dict:
    """Run one version's flows against the tenant; what the runner reported, with its log."""
    python = venv_python(f"{PACKAGE}=={version}")
    keys = {f"CBSO_KEY_{p.upper().replace('-', '_')}": tenant.nbb_key(p) for p in PRODUCTS}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CBSO_KEY_")} | keys
    done = subprocess.run(
        [str(python), "-c", RUNNERS[version], tenant.api_url("nbb-cbso"), str(out), json.dumps(plan)],
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    assert done.returncode == 0, f"otb {version} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return json.loads((out / "outcome.json").read_text()) | {"log": done.stderr}
