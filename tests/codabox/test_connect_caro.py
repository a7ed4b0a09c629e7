"""Credit-card statements (CARO): the business cards of the CodaBox world, their monthly statements
as the sandbox's CARO XML and PDF, and how Connect searches and serves them."""

import dataclasses
import io
import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from sandbox.apis.codabox import caro
from sandbox.apis.codabox.connect.documents import KINDS
from sandbox.apis.codabox.delivery import Entry, render
from sandbox.apis.codabox.world import CodaboxWorld
from tests.codabox.connect import (
    BASE,
    JSON_API,
    bearer,
    company_numbers,
    confirmed_office,
    demo_world,
    errors,
    every_page,
    search,
    search_body,
)
from tests.conftest import make_client

NOW = datetime.fromisoformat("2026-11-17T09:00:00+00:00")
TWO_YEARS_BACK = date(2024, 11, 17)
CARO = "application/vnd.caro.v1+xml"


def _card_holders(world: CodaboxWorld):
    return [
        client
        for office in world.offices
        for client in world.clients(office.id)
        if list(world.card_statements(client, TWO_YEARS_BACK, NOW.date()))
    ]


# -- the world ---------------------------------------------------------------------------------------
def test_some_companies_hold_a_card_at_one_of_their_banks(world):
    clients = [c for office in world.offices for c in world.clients(office.id)]
    holders = [c for c in clients if world.credit_card(c)]
    assert 0 < len(holders) < len(clients) / 2
    for client in holders:
        card = world.credit_card(client)
        assert not client.natural_person and card.bank in {a.bank for a in client.accounts}
        assert card.masked_number[-4:].isdigit() and "XXXX" in card.masked_number
    assert all(world.credit_card(c) is None for c in clients if c.natural_person)


def test_the_world_and_its_statements_are_the_same_every_time(world, fixture_dict):
    again = CodaboxWorld("test-seed", "t-codabox", fixture_dict)
    client = _card_holders(world)[0]
    refs = list(world.card_statements(client, TWO_YEARS_BACK, NOW.date()))
    assert refs == list(again.card_statements(again.client(client.id), TWO_YEARS_BACK, NOW.date()))
    for ref in refs[-3:]:
        assert caro.render(world.document(ref)) == caro.render(again.document(ref))
        assert render(world, Entry(ref.id, ref.model, ref.client_id, ref.available_at, ref=ref), "pdf") == (
            render(again, Entry(ref.id, ref.model, ref.client_id, ref.available_at, ref=ref), "pdf")
        )
    other = CodaboxWorld("other-seed", "t-codabox", fixture_dict)
    assert [c.id for c in _card_holders(other)] != [c.id for c in _card_holders(world)]


def test_one_statement_a_month_a_few_business_days_after_it_ends(world):
    client = _card_holders(world)[0]
    refs = list(world.card_statements(client, TWO_YEARS_BACK, NOW.date()))
    periods = [ref.key[0] for ref in refs]
    assert len(set(periods)) == len(periods) and periods == sorted(periods)
    for ref in refs:
        month_end = (ref.key[0].replace(day=28) + timedelta(days=4)).replace(day=1)
        assert month_end < ref.day <= month_end + timedelta(days=10) and ref.day.weekday() < 5
        assert world.document(ref).billing_period == f"{ref.key[0]:%Y-%m}"


def test_statements_flow_only_while_the_coda_mandate_at_the_cards_bank_is_active(world):
    client = _card_holders(world)[0]
    bank = world.credit_card(client).bank.bic
    held = world.mandates(client.id)
    refs = list(world.card_statements(client, TWO_YEARS_BACK, NOW.date(), held))
    assert refs
    never_active = [dataclasses.replace(m, history=m.history[:2]) if m.bank_id == bank else m for m in held]
    assert list(world.card_statements(client, TWO_YEARS_BACK, NOW.date(), never_active)) == []
    # V2's feed holds no credit-card statements
    assert all(r.model != "caro" for r in world.client_documents(client, TWO_YEARS_BACK, NOW.date()))


def test_the_xml_is_well_formed_and_its_totals_add_up(world):
    for client in _card_holders(world)[:4]:
        for ref in list(world.card_statements(client, TWO_YEARS_BACK, NOW.date()))[-3:]:
            root = etree.fromstring(caro.render(world.document(ref)))
            assert root.tag == "CaroStatement" and root.get("version") == "1.0"
            assert root.findtext("Header/BillingPeriod") == f"{ref.key[0]:%Y-%m}"
            assert root.findtext("Header/CardHolder/CompanyNumber") == f"BE{client.enterprise_number}"
            assert root.findtext("Header/Bank/Name") == world.credit_card(client).bank.name
            lines = root.findall("Transactions/Transaction")
            assert lines and int(root.find("Transactions").get("count")) == len(lines)
            signed = sum(
                Decimal(t.findtext("Amount")) * (1 if t.findtext("Sign") == "D" else -1) for t in lines
            )
            opening = Decimal(root.findtext("Balances/Opening"))
            assert Decimal(root.findtext("Balances/Closing")) == opening + signed
            debit = sum(Decimal(t.findtext("Amount")) for t in lines if t.findtext("Sign") == "D")
            assert Decimal(root.findtext("Totals/Debit")) == debit
            assert {t.findtext("Currency") for t in lines} == {"EUR"}
            days = [date.fromisoformat(t.findtext("Date")) for t in lines]
            assert all(d.strftime("%Y-%m") == f"{ref.key[0]:%Y-%m}" for d in days) and days == sorted(days)


def test_a_month_opens_with_what_the_previous_one_closed_with(world):
    client = _card_holders(world)[0]
    refs = list(world.card_statements(client, TWO_YEARS_BACK, NOW.date()))
    statements = [world.document(ref) for ref in refs[-4:]]
    for previous, following in itertools.pairwise(statements):
        assert following.opening == previous.closing
        settlement = [t for t in following.transactions if t.merchant.startswith("Direct debit")]
        assert [t.amount for t in settlement] == [previous.closing]


# -- Connect -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(scope="module")
def headers(client):
    return bearer(client)


@pytest.fixture(scope="module")
def holder(client, headers):
    """(office, a client with statements) of the demo world, its office having confirmed a consent."""
    world = demo_world(client)
    for index, office in enumerate(world.offices):
        for c in world.clients(office.id):
            if c.enterprise_number and list(world.card_statements(c, TWO_YEARS_BACK, NOW.date())):
                return confirmed_office(client, headers, index), c
    raise AssertionError("no client of the demo world holds a card")


def _path(office, number: str, document_id: str) -> str:
    return f"{BASE}/accounting-offices/{office.id}/clients/{number}/credit-card-statements/{document_id}"


def _expected(client, c, start: date, end: date) -> list:
    return list(demo_world(client).card_statements(c, start, end))


def test_a_search_finds_the_statements_within_its_window_page_by_page(client, headers, holder):
    office, c = holder
    body = search_body("creditCardStatement", [c.enterprise_number], paging={"limit": 5})
    found = every_page(client, headers, office, body)
    expected = _expected(client, c, TWO_YEARS_BACK, NOW.date())
    assert [d["id"] for d in found] == [r.id for r in expected]
    assert {d["type"] for d in found} == {"creditCardStatement"} and len(found) > 5
    window = {"from": "2026-06-01T00:00:00Z", "to": "2026-09-01T00:00:00Z"}
    data = search(
        client, headers, office, search_body("creditCardStatement", [c.enterprise_number], **window)
    )
    ids = [d["id"] for d in data["data"]["relationships"]["documents"]["data"]]
    assert ids == [r.id for r in expected if date(2026, 6, 1) <= r.day < date(2026, 9, 1)] and ids


def test_the_json_api_answer_has_the_documented_attributes(client, headers, holder):
    office, c = holder
    ref = _expected(client, c, TWO_YEARS_BACK, NOW.date())[-1]
    answer = client.get(_path(office, c.enterprise_number, ref.id), headers={**headers, "Accept": JSON_API})
    assert answer.status_code == 200 and answer.headers["content-type"] == JSON_API
    data = answer.json()["data"]
    assert data["type"] == "creditCardStatement" and data["id"] == ref.id
    card = demo_world(client).credit_card(c)
    assert data["attributes"]["bankName"] == card.bank.name
    assert data["attributes"]["billingPeriod"] == f"{ref.key[0]:%Y-%m}"
    assert data["attributes"]["clientReference"] == c.code
    assert datetime.fromisoformat(data["attributes"]["receivedAt"]) == ref.available_at
    assert data["links"]["self"].endswith(f"/clients/{c.enterprise_number}/credit-card-statements/{ref.id}")


def test_the_statement_downloads_as_caro_xml_and_as_a_pdf_naming_the_client(client, headers, holder):
    office, c = holder
    ref = _expected(client, c, TWO_YEARS_BACK, NOW.date())[-1]
    xml = client.get(_path(office, c.enterprise_number, ref.id), headers={**headers, "Accept": CARO})
    assert xml.status_code == 200 and xml.headers["content-type"].startswith(CARO)
    assert xml.content == caro.render(demo_world(client).document(ref))
    assert etree.fromstring(xml.content).findtext("Header/CardHolder/CompanyName") == c.name
    pdf = client.get(
        _path(office, c.enterprise_number, ref.id), headers={**headers, "Accept": "application/pdf"}
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"].startswith("application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert c.name in text and f"{ref.key[0]:%Y-%m}" in text
    again = client.get(
        _path(office, c.enterprise_number, ref.id), headers={**headers, "Accept": "application/pdf"}
    )
    assert again.content == pdf.content


@pytest.mark.parametrize("accept", ["application/xml", "application/vnd.coda.v1+cod", "text/csv"])
def test_an_accept_a_credit_card_statement_cannot_give_is_not_acceptable(client, headers, holder, accept):
    office, c = holder
    ref = _expected(client, c, TWO_YEARS_BACK, NOW.date())[-1]
    answer = client.get(_path(office, c.enterprise_number, ref.id), headers={**headers, "Accept": accept})
    assert answer.status_code == 406 and errors(answer)[0]["code"] == "notAcceptable"


def test_a_statement_of_another_client_is_not_found(client, headers, holder):
    office, c = holder
    ref = _expected(client, c, TWO_YEARS_BACK, NOW.date())[-1]
    other = next(n for n in company_numbers(demo_world(client), office) if n != c.enterprise_number)
    answer = client.get(_path(office, other, ref.id), headers={**headers, "Accept": JSON_API})
    assert answer.status_code == 404 and errors(answer)[0]["code"] == "notFound"
    assert KINDS["creditCardStatement"].model == "caro"
