"""What a start compiles, and what it leaves to an API's first request: a spec that compiled once
(the same bytes, under the same code) is compiled when its API is first called; a broken one stops
every start."""

import shutil
import sys
from pathlib import Path

import pytest
from jsonschema.exceptions import SchemaError
from starlette.testclient import TestClient

import sandbox.app
from sandbox.app import build_app
from sandbox.settings import Settings
from sandbox.spec.loader import SpecError

HERE = Path(__file__).resolve().parent
ARCHIVE = (HERE / "specs" / "ledger-archive.yaml").read_text()


def started(specs: Path) -> dict:
    """The APIs of a sandbox started on `specs`, by name."""
    services = build_app(Settings(specs_dir=specs, fixtures_dir=HERE / "fixtures")).state.services
    return {api.name: api for api in services.apis}


def compiled(api) -> set[str]:
    return {part for part in ("package", "operations", "router") if part in vars(api)}


def test_a_spec_that_compiled_once_is_compiled_at_its_first_request(tmp_path):
    (tmp_path / "archive.yaml").write_text(ARCHIVE)
    assert compiled(started(tmp_path)["ledger-archive"]) == {"operations", "router"}

    app = build_app(Settings(specs_dir=tmp_path, fixtures_dir=HERE / "fixtures"))
    (archive,) = (api for api in app.state.services.apis if api.name == "ledger-archive")
    assert compiled(archive) == set() and archive.guards is None
    with TestClient(app) as client:
        answer = client.get("/ledger-archive/statements")
    assert answer.status_code == 200
    assert answer.json()["api"] == "ledger-archive"
    assert compiled(archive) == {"package", "operations", "router"}


def test_a_changed_spec_is_compiled_at_start_again(tmp_path):
    (tmp_path / "archive.yaml").write_text(ARCHIVE)
    started(tmp_path)
    (tmp_path / "archive.yaml").write_text(ARCHIVE.replace("operationId: whereAmI", "operationId: here"))
    archive = started(tmp_path)["ledger-archive"]
    assert compiled(archive) == {"operations", "router"}
    assert [op.operation_id for op in archive.operations] == ["here"]


def test_a_spec_is_compiled_at_start_again_under_changed_code(tmp_path, monkeypatch):
    (tmp_path / "archive.yaml").write_text(ARCHIVE)
    started(tmp_path)
    monkeypatch.setattr(sandbox.app, "_checking_code", lambda: b"other code")
    assert compiled(started(tmp_path)["ledger-archive"]) == {"operations", "router"}


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (
            ("security: []", "security: [{nowhere: []}]"),
            SpecError,
            "security names the unknown scheme 'nowhere'",
        ),
        (("      operationId: whereAmI\n", ""), SpecError, "GET /statements has no operationId"),
        (("type: object\n", "type: thing\n"), SchemaError, "'thing' is not valid"),
        (
            ("  prefix: /ledger-archive\n", "  prefix: /ledger-archive\n  prefixes: [/x]\n"),
            SpecError,
            "prefixes",
        ),
        (("openapi: 3.1.0", "openapi: 3.0.3"), SpecError, "not an OpenAPI 3.1 document"),
    ],
)
def test_a_broken_spec_stops_every_start(tmp_path, change, error, message):
    (tmp_path / "archive.yaml").write_text(ARCHIVE.replace(*change))
    for _ in range(2):
        with pytest.raises(error, match=message):
            started(tmp_path)


FAMILY_MEMBER = """
from tests.engine.archive_api import package as archive
from sandbox.runtime.package import ApiPackage

package = ApiPackage(create_world={factory})
"""


@pytest.fixture
def family(tmp_path, monkeypatch):
    """Two specs of one family, each bound to its own package module (`member_a`, `member_b`)."""
    modules = tmp_path / "modules"
    modules.mkdir()
    monkeypatch.syspath_prepend(str(modules))
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in ("a", "b"):
        spec = ARCHIVE.replace("api: ledger-archive", f"api: member-{name}\n  family: members")
        spec = spec.replace("prefix: /ledger-archive", f"prefix: /member-{name}")
        spec = spec.replace("handlers: tests.engine.archive_api", f"handlers: member_{name}")
        (specs / f"{name}.yaml").write_text(spec.replace("archive/v1", f"member-{name}"))
    yield modules, specs
    for name in ("member_a", "member_b"):
        sys.modules.pop(name, None)


def write_members(modules: Path, factory_b: str) -> None:
    (modules / "member_a.py").write_text(FAMILY_MEMBER.format(factory="dict"))
    (modules / "member_b.py").write_text(FAMILY_MEMBER.format(factory=factory_b))
    shutil.rmtree(modules / "__pycache__", ignore_errors=True)
    for name in ("member_a", "member_b"):
        sys.modules.pop(name, None)


def test_packages_that_build_one_world_are_imported_only_when_their_files_change(family):
    modules, specs = family
    write_members(modules, factory_b="dict")
    started(specs)
    assert {"member_a", "member_b"} <= set(sys.modules)
    for name in ("member_a", "member_b"):
        sys.modules.pop(name)
    apis = started(specs)
    assert not {"member_a", "member_b"} & set(sys.modules)
    assert apis["member-a"].package.create_world is apis["member-b"].package.create_world is dict

    write_members(modules, factory_b="tuple")
    for _ in range(2):
        with pytest.raises(SpecError, match=r"a\.yaml and .*b\.yaml are both of family 'members'"):
            started(specs)


def test_a_websocket_upgrade_meets_uvicorns_default_protocol_imported_then(monkeypatch):
    """`sandbox serve` leaves the import of uvicorn's WebSocket protocol to the first upgrade;
    the protocol is uvicorn's default (`ws="auto"`) all the same."""
    from uvicorn.protocols.websockets import auto

    from sandbox.cli import _WebSocketsOnFirstUpgrade

    made = []

    class Default:
        def __init__(self, *args, **kwargs) -> None:
            made.append((args, kwargs))

    monkeypatch.setattr(auto, "AutoWebSocketsProtocol", Default)
    protocol = _WebSocketsOnFirstUpgrade("config", server_state="state")
    assert isinstance(protocol, Default)
    assert made == [(("config",), {"server_state": "state"})]
