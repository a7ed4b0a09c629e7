"""Matching the operation: 404 and 405 in the API's own error shape."""

import uuid

from sandbox.pipeline import route
from tests.pipeline.conftest import KEY


def test_unknown_path_is_404_in_the_api_shape(ledger):
    r = ledger.get("/ledger/nowhere", headers=KEY)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "No operation at /nowhere"


def test_wrong_method_is_405_with_allow(ledger):
    r = ledger.delete("/ledger/accounts", headers=KEY)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert "DELETE is not allowed" in r.json()["detail"]


def test_a_literal_path_wins_over_a_template(ledger):
    broken = ledger.get("/ledger/accounts/broken", headers=KEY)
    assert broken.status_code == 500  # brokenAnswer, not getAccount with number "broken"
    templated = ledger.get("/ledger/accounts/12", headers={**KEY, "X-Trace": str(uuid.uuid4())})
    assert templated.json()["number"] == 12


def test_route_stage_returns_the_operation_and_its_path_parameters(ledger):
    api = ledger.app.state.services.api("ledger")
    match = route.operation(api, "GET", "/accounts/42/statement")
    assert (match.operation.operation_id, match.path_params) == ("getStatement", {"number": "42"})


def test_an_optional_trailing_slash_matches_both_forms_and_a_strict_one_does_not(ledger):
    from sandbox.spec.router import Router

    operations = ledger.app.state.services.api("ledger").operations
    optional, strict = Router(operations, optional_trailing_slash=True), Router(operations)
    for path in ("/accounts/42/statement", "/accounts/42/statement/"):
        match = optional.match("GET", path)
        assert (match.operation.operation_id, match.path_params) == ("getStatement", {"number": "42"})
    assert strict.match("GET", "/accounts/42/statement/").operation is None
    assert optional.match("GET", "/nowhere/").allowed == ()


def test_a_path_asked_again_gets_the_match_kept_and_the_kept_matches_stay_bounded(ledger, monkeypatch):
    from sandbox.spec import router as router_module
    from sandbox.spec.router import Router

    monkeypatch.setattr(router_module, "KNOWN_PATHS", 3)
    optional = Router(ledger.app.state.services.api("ledger").operations, optional_trailing_slash=True)
    first = optional.match("GET", "/accounts/42/statement/")
    assert optional.match("GET", "/accounts/42/statement/") is first
    # the same path by another method is matched on its own: a 405's Allow, not the GET's operation
    refused = optional.match("DELETE", "/accounts/42/statement/")
    assert (refused.operation, refused.allowed) == (None, ("GET",))
    assert optional.match("GET", "/nowhere").allowed == ()
    assert ("GET", "/nowhere") not in optional._known  # only paths that reach an operation are kept
    for number in range(10):
        match = optional.match("GET", f"/accounts/{number}/statement")
        assert match.path_params == {"number": str(number)}
        assert len(optional._known) <= 3
