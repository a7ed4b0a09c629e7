"""The handler, with what it reaches by name; or data generated from the spec without one."""

import io

from pypdf import PdfReader

from sandbox.runtime.context import RequestContext
from tests.conftest import make_client
from tests.pipeline.conftest import KEY


def test_operation_without_handler_answers_generated_data_that_fits_its_schema(ledger):
    first = ledger.get("/ledger/accounts", headers=KEY)
    again = ledger.get("/ledger/accounts", headers=KEY)
    assert first.status_code == 200  # strict mode is on: the body was validated against the schema
    assert first.json() == again.json()
    accounts = first.json()
    assert accounts and all(a["kind"] in ("asset", "liability") for a in accounts if "kind" in a)
    assert not any("lorem" in str(a).lower() for a in accounts)


def test_operation_without_handler_answers_a_pdf_that_opens(ledger):
    r = ledger.get("/ledger/accounts/4/statement", headers=KEY)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert "Account statement" in text and "getStatement" in text


def test_the_context_names_the_services_world_and_state_of_the_tenant():
    client = make_client()
    services = client.app.state.services
    bills = services.api("informat-bills")
    ctx = RequestContext(
        request=None,
        operation=bills.operations[0],
        api=bills,
        services=services,
        tenant="demo",
        params={},
        body=None,
        media_type=None,
        base_url="http://testserver/informat/rekeningen",
        clock=None,
    )
    assert ctx.store is services.store and ctx.jobs is services.jobs
    assert ctx.world is services.worlds.get(services.api("informat-students"), "demo")  # one family
    assert ctx.state.key("payments", "b-1") == "t:demo:informat:payments:b-1"
    assert ctx.state is ctx.state  # built once per request
    assert ctx.claims is None
