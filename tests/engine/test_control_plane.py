"""The /__sandbox control plane: clock and specs."""

import yaml

from tests.conftest import make_client


def test_clock_can_be_read_set_frozen_advanced_and_reset():
    client = make_client()
    assert client.get("/__sandbox/clock").json() == {"now": "2026-11-17T09:00:00+00:00", "frozen": True}
    moved = client.put("/__sandbox/clock", json={"now": "2027-01-01T06:00:00+01:00"}).json()
    assert moved == {"now": "2027-01-01T05:00:00+00:00", "frozen": True}
    advanced = client.put("/__sandbox/clock", json={"advanceSeconds": 3600}).json()
    assert advanced["now"] == "2027-01-01T06:00:00+00:00"
    released = client.put("/__sandbox/clock", json={"frozen": False}).json()
    assert released["frozen"] is False and released["now"].startswith("2027-01-01T06:00")
    reset = client.delete("/__sandbox/clock").json()
    assert reset["frozen"] is False and not reset["now"].startswith("2027")


def test_clock_outside_its_range_is_refused_and_left_alone():
    client = make_client()
    for body, field in (
        ({"advanceSeconds": 3_000_000_000_000 // 1000 * 1000}, "advanceSeconds"),
        ({"now": "1960-01-01T00:00:00Z"}, "now"),
    ):
        r = client.put("/__sandbox/clock", json=body)
        assert r.status_code in (400,), r.text
        violations = r.json()["violations"]
        assert violations[0]["field"] == field
    assert client.get("/__sandbox/clock").json()["now"] == "2026-11-17T09:00:00+00:00"


def test_clock_body_is_validated():
    client = make_client()
    r = client.put("/__sandbox/clock", json={"now": "tomorrow", "speed": 2})
    assert r.status_code == 400
    assert {(v["field"], v["rule"]) for v in r.json()["violations"]} == {
        ("now", "format"),
        ("speed", "additionalProperties"),
    }
    empty = client.put("/__sandbox/clock", json={})
    assert empty.status_code == 400 and empty.json()["violations"][0]["rule"] == "minProperties"


def test_specs_are_listed_and_served_as_yaml_or_json():
    client = make_client()
    listed = client.get("/__sandbox/specs").json()["apis"]
    nbb = next(a for a in listed if a["api"] == "nbb-cbso")
    assert nbb["prefix"] == "/nbb" and nbb["hosts"] == ["ws.cbso.nbb.be", "ws.uat2.cbso.nbb.be"]
    assert nbb["operations"] == 14
    as_yaml = client.get("/__sandbox/specs/nbb-cbso")
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text)["x-sandbox"]["api"] == "nbb-cbso"
    as_json = client.get("/__sandbox/specs/nbb-cbso", headers={"Accept": "application/json"})
    assert as_json.json()["info"]["title"] == "NBB CBSO Webservices"
    assert client.get("/__sandbox/specs/nope").status_code == 404


def test_root_lists_every_api():
    index = make_client().get("/").json()
    assert {a["prefix"] for a in index["apis"]} >= {"/nbb", "/__sandbox"}
