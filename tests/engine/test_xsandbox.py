"""The sandbox's OpenAPI extensions are checked against their schema when a spec is loaded: a
misspelt key stops start-up with the file, the place and a suggestion, instead of being ignored."""

from pathlib import Path

import pytest
import yaml

from sandbox.app import build_app
from sandbox.settings import Settings
from sandbox.spec.loader import SpecDocument, SpecError, load_specs
from sandbox.spec.operations import compile_operations
from sandbox.spec.xsandbox import Fidelity, JobMark, extension_problems

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "specs").glob("*.yaml")) + sorted((ROOT / "tests/engine/specs").glob("*.yaml"))
LEDGER = ROOT / "tests/engine/specs/ledger.yaml"


def ledger_with(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(LEDGER.read_text())
    change(document)
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def load_error(tmp_path: Path, change) -> str:
    path = ledger_with(tmp_path, change)
    with pytest.raises(SpecError) as raised:
        SpecDocument.load(path)
    return str(raised.value)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_spec_uses_only_known_extensions(path):
    assert extension_problems(SpecDocument.load(path).raw) == []


def test_a_misspelt_document_key_names_the_file_the_place_and_the_likely_key(tmp_path):
    def misspell(document):
        document["x-sandbox"]["request-id-heade"] = document["x-sandbox"].pop("request-id-header")

    message = load_error(tmp_path, misspell)
    assert message == (
        f"{tmp_path / 'ledger.yaml'}: #/x-sandbox: unknown key 'request-id-heade' in x-sandbox "
        "(did you mean 'request-id-header'?)"
    )


def test_a_misspelt_key_stops_start_up(tmp_path):
    ledger_with(tmp_path, lambda document: document["x-sandbox"].update({"prefx": "/ledger"}))
    with pytest.raises(SpecError, match=r"unknown key 'prefx' in x-sandbox \(did you mean 'prefix'\?\)"):
        build_app(Settings(specs_dir=tmp_path, fixtures_dir=ROOT / "tests/engine/fixtures"))


def test_a_key_with_nothing_close_lists_the_known_ones(tmp_path):
    message = load_error(tmp_path, lambda document: document["x-sandbox"].update({"colour": "blue"}))
    assert message.endswith(
        "unknown key 'colour' in x-sandbox; known: accept, api, family, fixture, handlers, hosts, journal, "
        "max-body, prefix, query-case-insensitive, rate-limit, refused-user-agents, request-id-header, "
        "trailing-slash, unacceptable-status, unknown-query"
    )


def test_values_are_checked_too(tmp_path):
    def wrong(document):
        document["x-sandbox"]["journal"] = "no"
        document["x-sandbox"]["unacceptable-status"] = 200

    message = load_error(tmp_path, wrong)
    assert "#/x-sandbox/journal: 'no' is not of type 'boolean' in x-sandbox" in message
    assert "#/x-sandbox/unacceptable-status: 200 is less than the minimum of 400 in x-sandbox" in message


def test_family_is_a_known_document_key(tmp_path):
    path = ledger_with(tmp_path, lambda document: document["x-sandbox"].update({"family": "ledgers"}))
    assert SpecDocument.load(path).meta["family"] == "ledgers"


def test_a_misspelt_extension_name_is_refused_wherever_it_is(tmp_path):
    def misspell(document):
        document["paths"]["/accounts"]["get"]["x-sandbox-fidelty"] = "invented"

    message = load_error(tmp_path, misspell)
    assert message.endswith(
        "#/paths/~1accounts/get/x-sandbox-fidelty: unknown extension 'x-sandbox-fidelty' "
        "(did you mean 'x-sandbox-fidelity'?)"
    )


def test_a_fidelity_label_is_one_of_three_levels_with_an_optional_source(tmp_path):
    def label(document):
        document["paths"]["/accounts"]["get"]["x-sandbox-fidelity"] = "verifed"
        document["info"]["x-sandbox-fidelity"] = {"level": "inferred", "sourc": "apis/x.md"}

    message = load_error(tmp_path, label)
    assert (
        "#/paths/~1accounts/get/x-sandbox-fidelity: 'verifed' is not valid under any of the given schemas"
        in (message)
    )
    assert "#/info/x-sandbox-fidelity: " in message


def test_operation_marks_are_checked_by_role(tmp_path):
    def mark(document):
        operations = document["paths"]["/accounts"]
        operations["get"]["x-sandbox"] = {"job": {"role": "start"}}
        operations["post"]["x-sandbox"] = {"jobs": {"role": "poll"}}

    message = load_error(tmp_path, mark)
    assert (
        "#/paths/~1accounts/get/x-sandbox/job: 'name' is a required property in operation x-sandbox"
        in message
    )
    assert (
        "#/paths/~1accounts/post/x-sandbox: unknown key 'jobs' in operation x-sandbox (did you mean 'job'?)"
        in message
    )


def test_extensions_out_of_place_are_refused(tmp_path):
    def misplace(document):
        document["components"]["schemas"]["Account"]["x-sandbox"] = {"api": "ledger"}
        document["paths"]["/accounts"]["get"]["x-sandbox-admin"] = True

    message = load_error(tmp_path, misplace)
    assert (
        "#/components/schemas/Account/x-sandbox: x-sandbox belongs at the document root or on an operation"
        in (message)
    )
    assert "#/paths/~1accounts/get/x-sandbox-admin: x-sandbox-admin belongs on a security scheme" in message


def test_the_status_of_an_unknown_secret_is_401_or_403_on_a_security_scheme(tmp_path):
    def set_status(document):
        schemes = document["components"]["securitySchemes"]
        next(iter(schemes.values()))["x-sandbox-unknown-status"] = 404
        document["paths"]["/accounts"]["get"]["x-sandbox-unknown-status"] = 403

    message = load_error(tmp_path, set_status)
    assert "404 is not one of [401, 403]" in message
    assert (
        "#/paths/~1accounts/get/x-sandbox-unknown-status: x-sandbox-unknown-status belongs on a "
        "security scheme" in message
    )


def test_examples_and_property_names_are_data_not_extensions(tmp_path):
    def data(document):
        schema = document["components"]["schemas"]["Account"]
        schema["examples"] = [{"x-sandbox-anything": 1}]
        schema["properties"]["x-sandbox-name"] = {"type": "string"}

    path = ledger_with(tmp_path, data)
    assert extension_problems(SpecDocument.load(path).raw) == []


def test_labels_and_marks_are_read_typed():
    document = {"x-sandbox-fidelity": {"level": "inferred", "source": "apis/informat.md §6"}}
    inherited = Fidelity.of(document)
    assert Fidelity.of({"x-sandbox-fidelity": "invented"}, inherited) == Fidelity(
        "invented", "apis/informat.md §6"
    )
    assert Fidelity.of({}, inherited) is inherited
    assert JobMark.of({"x-sandbox": {"job": {"role": "poll", "id": "jobId"}}}) == JobMark("poll", id="jobId")
    assert JobMark.of({}) is None


def test_the_shipped_specs_load_together():
    assert {doc.meta["api"] for doc in load_specs(ROOT / "specs")} >= {"nbb-cbso", "sandbox", "identity"}


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_operation_carries_a_fidelity_label_with_a_source(path):
    doc = SpecDocument.load(path)
    unlabelled = [
        op.operation_id
        for op in compile_operations(doc, doc.meta["api"])
        if op.fidelity is None or not op.fidelity.source
    ]
    assert unlabelled == []


def test_an_operation_inherits_the_documents_label_and_may_override_it():
    doc = SpecDocument.load(ROOT / "specs/identity.yaml")
    operations = {op.operation_id: op for op in compile_operations(doc, "identity")}
    assert operations["token"].fidelity == Fidelity(
        "invented",
        "design.md, Runtime services (the OAuth2 authorization server); RFC 6749, 7009, 7517, 8414",
    )
    assert operations["connectToken"].fidelity == Fidelity(
        "verified", "apis/informat.md §2 (IdentityServer's token endpoint, from public client code)"
    )


def trace_header(document) -> dict:
    parameters = document["paths"]["/accounts/{number}"]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == "X-Trace")


def compile_error(tmp_path: Path, change) -> str:
    doc = SpecDocument.load(ledger_with(tmp_path, change))
    with pytest.raises(SpecError) as raised:
        compile_operations(doc, "ledger")
    return str(raised.value)


def test_a_header_marked_empty_absent_must_be_optional_and_admit_the_empty_string(tmp_path):
    def required(document):
        trace_header(document)["x-sandbox"] = {"empty": "absent"}

    assert compile_error(tmp_path, required).endswith(
        "#/paths/~1accounts~1{number}/get/parameters/1: X-Trace is marked x-sandbox {empty: absent} but is "
        "required: only an optional header can be taken as absent"
    )

    def refusing(document):
        trace_header(document).update({"required": False, "x-sandbox": {"empty": "absent"}})

    assert "X-Trace is marked x-sandbox {empty: absent} but its schema refuses the empty string" in (
        compile_error(tmp_path, refusing)
    )

    def truthful(document):
        refusing(document)
        empty = {"type": "string", "pattern": "^[ \\t]*$"}
        trace_header(document)["schema"] = {"anyOf": [{"type": "string", "format": "uuid"}, empty]}

    doc = SpecDocument.load(ledger_with(tmp_path, truthful))
    operation = next(op for op in compile_operations(doc, "ledger") if op.path == "/accounts/{number}")
    assert [p.name for p in operation.parameters if p.empty_absent] == ["X-Trace"]


def test_only_a_header_can_be_taken_as_absent_and_the_mark_is_checked(tmp_path):
    def on_query(document):
        parameters = document["paths"]["/accounts"]["get"]["parameters"]
        next(p for p in parameters if p["name"] == "kind")["x-sandbox"] = {"empty": "absent"}

    assert compile_error(tmp_path, on_query).endswith(
        "kind is marked x-sandbox {empty: absent}, which only a header parameter may be (it is in query)"
    )
    message = load_error(
        tmp_path, lambda document: trace_header(document).update({"x-sandbox": {"empty": "none"}})
    )
    assert (
        "#/paths/~1accounts~1{number}/get/parameters/1/x-sandbox/empty: 'none' is not one of ['absent']"
        in (message)
    )
    misspelt = load_error(
        tmp_path, lambda document: trace_header(document).update({"x-sandbox": {"empti": 1}})
    )
    assert "unknown key 'empti' in parameter x-sandbox (did you mean 'empty'?)" in misspelt


def test_refused_user_agents_are_regular_expressions_with_a_label(tmp_path):
    def unlabelled(document):
        document["x-sandbox"]["refused-user-agents"] = {"patterns": ["^Python-urllib/", "(unclosed"]}

    message = load_error(tmp_path, unlabelled)
    assert "'x-sandbox-fidelity' is a required property in x-sandbox" in message
    assert "#/x-sandbox/refused-user-agents/patterns/1: '(unclosed' is not a 'regex' in x-sandbox" in message
    doc = SpecDocument.load(ROOT / "specs/nbb-cbso.yaml")
    rule = compile_operations(doc, "nbb-cbso")[0].refused_user_agents
    assert rule.matching("Python-urllib/3.11") == "^Python-urllib/"
    assert rule.matching("otb-cbso-webservice-pyclient/2.2") is None
    assert rule.fidelity.level == "inferred" and rule.fidelity.source.startswith("apis/nbb-cbso.md §1")
