"""The accounting API's own contract check, judged from what a client really did."""

from starlette.testclient import TestClient

from sandbox.testing import SandboxClient
from tests.accounting.conftest import NL, Api
from tests.conftest import make_client

ADDRESS = {
    "street": "Kerkstraat",
    "house_number": "1",
    "postal_code": "1017 GC",
    "city": "Amsterdam",
    "country": "NL",
}
CHECK = "accounting_debtor_searched_before_added"


def _report(server: TestClient):
    sandbox = SandboxClient("http://testserver")
    sandbox.http = TestClient(server.app, base_url="http://testserver/__sandbox")
    return sandbox.verify("demo", [CHECK]).verdicts[0]


def test_a_client_that_searches_before_it_adds_passes():
    api = Api(make_client())
    assert api.get(f"{NL}/contacts", email="New.Customer@Example.nl").json() == []
    api.post(
        f"{NL}/contacts", {"lastname": "Customer", "email": "new.customer@example.nl", "address": ADDRESS}
    )
    verdict = _report(api.server)
    assert str(verdict.outcome) == "passed", verdict.summary


def test_a_client_that_adds_without_searching_is_told():
    api = Api(make_client())
    api.post(f"{NL}/contacts", {"lastname": "Customer", "email": "blind@example.nl", "address": ADDRESS})
    verdict = _report(api.server)
    assert str(verdict.outcome) == "failed"
    assert "blind@example.nl was added without searching" in verdict.findings[0].message
