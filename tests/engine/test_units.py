"""Small engine parts: negotiation, coercion, formats, clock, time rules, zips."""

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.documents.zips import zip_bytes
from sandbox.runtime.clock import Clock, parse_instant
from sandbox.runtime.timerules import archive_window, published_at, years_before
from sandbox.spec.formats import FORMATS, is_enterprise_number
from sandbox.spec.negotiate import negotiate
from sandbox.spec.validate import SchemaValidator, StringValidator, coerce, violations, with_fast_path
from sandbox.worlds.calendar import local_day

OFFERED = ["application/x.jsonxbrl", "application/x.xbrl", "application/pdf"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/x.jsonxbrl"),
        ("*/*", "application/x.jsonxbrl"),
        ("application/pdf", "application/pdf"),
        ("application/*;q=0.2, application/x.xbrl", "application/x.xbrl"),
        ("text/html, application/pdf;q=0.1", "application/pdf"),
        ("application/json", None),
        ("application/pdf;q=0", None),
    ],
)
def test_negotiation(accept, chosen):
    assert negotiate(accept, OFFERED) == chosen


def test_coercion_keeps_text_that_does_not_fit():
    assert coerce("2024", {"type": "integer"}) == 2024
    assert coerce("20x4", {"type": "integer"}) == "20x4"
    assert coerce("1.5", {"type": "number"}) == 1.5
    assert coerce("true", {"type": "boolean"}) is True
    assert coerce("a,b", {"type": "array", "items": {"type": "string"}}, explode=False) == ["a", "b"]
    assert coerce(["1", "2"], {"type": "array", "items": {"type": "integer"}}) == [1, 2]
    assert coerce("", {"type": ["string", "null"]}) is None


def test_enterprise_number_format():
    assert is_enterprise_number("0403019261")
    assert not is_enterprise_number("0403019262")  # check digits
    assert not is_enterprise_number("BE0403019261")  # VAT form
    assert not is_enterprise_number("0403.019.261")
    assert not is_enterprise_number("2403019261")  # first digit


def test_date_format_refuses_impossible_and_compact_dates():
    check = FORMATS["date"][0]
    assert check("2024-02-29")
    assert not check("2023-02-29")
    assert not check("20240101")


def test_frozen_clock_stands_still_and_moves_on_request():
    start = parse_instant("2026-03-01T04:00:00Z")
    clock = Clock(start, frozen=True)
    assert clock.now() == start
    clock.advance(timedelta(hours=2))
    assert clock.now() == start + timedelta(hours=2)
    clock.set(start, frozen=False)
    assert not clock.frozen and clock.now() >= start
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_instant_without_offset_is_utc():
    assert parse_instant("2026-01-01T00:00:00") == datetime(2026, 1, 1, tzinfo=UTC)


def test_time_rules_in_brussels():
    brussels = ZoneInfo("Europe/Brussels")
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # already 1 July in Brussels
    assert local_day(late_evening_utc, brussels) == date(2026, 7, 1)
    assert published_at(date(2026, 1, 5), brussels, hour=5) == datetime(2026, 1, 6, 4, 0, tzinfo=UTC)
    assert years_before(date(2024, 2, 29), 3) == date(2021, 2, 28)
    assert archive_window(date(2026, 11, 17), 3) == (date(2023, 11, 17), date(2026, 11, 16))


def test_zips_are_deflated_and_stable():
    first = zip_bytes([("a.json", b"{}" * 100)], date(2024, 1, 2))
    assert first == zip_bytes([("a.json", b"{}" * 100)], date(2024, 1, 2))
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        (info,) = archive.infolist()
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert archive.read("a.json") == b"{}" * 100


def test_validators_inline_references_and_keep_recursive_ones(tmp_path):
    from sandbox.spec.loader import SpecDocument

    spec = tmp_path / "demo.yaml"
    spec.write_text(
        """
openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Holder:
      type: object
      properties:
        enum: {$ref: "#/components/schemas/Code"}
        example: {$ref: "#/components/schemas/Code", description: with a sibling keyword}
    Code: {type: string, enum: [A, B]}
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: "#/components/schemas/Tree"}}
        name: {type: string}
"""
    )
    doc = SpecDocument.load(spec)
    holder = doc.validator("/components/schemas/Holder")
    assert "$ref" not in str(holder.schema)
    assert holder.is_valid({"enum": "A", "example": "B"})
    assert not holder.is_valid({"enum": "C"}) and not holder.is_valid({"example": "C"})
    tree = doc.validator("/components/schemas/Tree")
    assert tree.is_valid({"children": [{"name": "leaf", "children": []}]})
    assert not tree.is_valid({"children": [{"name": 3}]})


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "be-enterprise-number", "pattern": "^[01][0-9]{9}$", "minLength": 10},
        {"type": "string", "format": "uuid", "description": "a request id"},
        {"type": "string", "enum": ["A", "B", 3], "maxLength": 1},
        {"type": "string", "format": "date", "x-sandbox-note": "ignored"},
        {"type": "string", "format": "no-such-format", "pattern": "b"},
        {"anyOf": [{"type": "string", "format": "uuid"}, {"type": "string", "pattern": "^[ \t]*$"}]},
    ],
)
def test_a_flat_string_schema_is_judged_exactly_as_jsonschema_judges_it(schema):
    from jsonschema import Draft202012Validator

    from sandbox.spec.formats import format_checker

    full = Draft202012Validator(schema, format_checker=format_checker())
    fast = with_fast_path(SchemaValidator(schema))
    assert isinstance(fast, StringValidator)
    values = ["0403019261", "0403019262", "BE0403019261", "", "A", "AB", "C", "abc", 3, None, True]
    values += ["6f1c1f9e-1111-4222-8333-444455556666", "6f1c1f9e", "2024-02-29", "2023-02-29", " \t", " x"]
    for value in values:
        assert fast.is_valid(value) == full.is_valid(value), value
        assert violations(fast, value, "p") == violations(full, value, "p"), value


def test_other_schemas_keep_jsonschema_alone():
    others = (
        {"type": "integer"},
        {"type": ["string", "null"]},
        {"type": "string", "const": "x"},
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    )
    for schema in others:
        validator = SchemaValidator(schema)
        assert with_fast_path(validator) is validator


def test_a_parsed_yaml_file_is_kept_beside_it_until_the_file_changes(tmp_path):
    from sandbox.spec.loader import load_yaml

    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.1.0\npaths: {}\n200: ok\n")
    assert load_yaml(spec) == {"openapi": "3.1.0", "paths": {}, 200: "ok"}
    (kept,) = (tmp_path / "__pycache__").iterdir()
    assert load_yaml(spec) == {"openapi": "3.1.0", "paths": {}, 200: "ok"}  # read from what was kept
    spec.write_text("openapi: 3.1.1\nwhen: 2024-01-31\n")
    assert load_yaml(spec) == {"openapi": "3.1.1", "when": "2024-01-31"}
    assert [p.name for p in (tmp_path / "__pycache__").iterdir()] != [kept.name]  # the old one is gone
    assert len(list((tmp_path / "__pycache__").iterdir())) == 1


def test_a_yaml_file_in_a_folder_that_cannot_be_written_to_is_parsed_each_time(tmp_path):
    from sandbox.spec.loader import load_yaml

    (tmp_path / "__pycache__").write_text("a file where the folder would go")
    spec = tmp_path / "fixture.yaml"
    spec.write_text("rate_limit: {requests: 5}\n")
    assert load_yaml(spec) == load_yaml(spec) == {"rate_limit": {"requests": 5}}
