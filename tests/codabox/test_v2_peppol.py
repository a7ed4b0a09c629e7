"""Send invoices over HTTP: Peppol licences of an invoicing software's user, the upload of a sales
invoice (validated rule by rule) that reaches the accountant's feed, and check-presence."""

from dataclasses import replace
from datetime import date

import pytest

from sandbox.apis.codabox import invoices, ubl
from tests.codabox import connect
from tests.codabox.v2 import ACCOUNTANT, BASE, demo_world, feed, invoicing_user
from tests.conftest import make_client

LICENCES = f"{BASE}/peppol/licences/"


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def seller(client):
    world = demo_world(client)
    return next(c for c in world.clients(world.offices[0].id) if c.enterprise_number and not c.accented)


@pytest.fixture
def user(client, seller):
    return invoicing_user(client, f"BE{seller.enterprise_number}")


def _licence(client, user) -> dict:
    answer = client.post(LICENCES, json={"email": "sales@example.be", "invoice_quantity": 50}, headers=user)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _invoice_xml(client, seller, number: str = "202600042") -> bytes:
    made = invoices.invoice(demo_world(client), seller, "sales_invoice", date(2026, 11, 16), 0)
    return ubl.render(replace(made, number=number))


def _in_feed(client, index: str) -> dict:
    """The entry with this index, acknowledging the older ones page by page as a client would."""
    while True:
        entries = feed(client)["feed_entries"]
        found = next((e for e in entries if e["feed_index"] == index), None)
        if found or not entries:
            return found
        client.put(
            f"{BASE}/delivery/feed/1/", json={"feed_offset": entries[-1]["feed_index"]}, headers=ACCOUNTANT
        )


def test_a_licence_is_created_listed_updated_and_toggled(client, user):
    licence = _licence(client, user)
    assert licence["state"] == "active" and licence["invoice_quantity"] == 50
    assert licence["state_date"] == "2026-11-17T09:00:00"
    assert client.get(LICENCES, headers=user).json() == [licence]
    url = f"{LICENCES}{licence['id']}/"
    more = client.put(url, json={"invoice_quantity": 80}, headers=user).json()
    assert more["invoice_quantity"] == 80 and more["state"] == "active"
    off = client.put(url, json={"state": "inactive"}, headers=user).json()
    assert off["state"] == "inactive" and off["invoice_quantity"] == 80
    token = client.post(f"{url}request-token/", headers=user)
    assert token.status_code == 201 and token.json()["token"]


def test_licences_belong_to_an_invoicing_user_not_to_the_office(client):
    answer = client.get(LICENCES, headers=ACCOUNTANT)
    assert answer.status_code == 403 and "token flow" in answer.json()["detail"]


def test_an_unknown_licence_is_404(client, user):
    answer = client.put(f"{LICENCES}999/", json={"state": "active"}, headers=user)
    assert answer.status_code == 404 and answer.json() == {"detail": "No licence 999 of yours"}


def test_a_valid_invoice_reaches_the_accountants_feed_as_a_sales_invoice(client, user, seller):
    """The invoicing package's walk: token flow, licence, upload, then the accountant's feed."""
    licence = _licence(client, user)
    xml = _invoice_xml(client, seller)
    files = {"file": ("invoice.xml", xml, "application/xml")}
    answer = client.post(f"{LICENCES}{licence['id']}/upload/", files=files, headers=user)
    assert answer.status_code == 200, answer.text
    sent = answer.json()
    assert sent["state"] == "delivered" and sent["invoice_number"] == "202600042"
    assert sent["fiduciary_id"] == seller.office_id
    entry = _in_feed(client, sent["feed_index"])
    assert entry["document_model"] == "sales_invoice" and entry["client_id"] == seller.id
    assert entry["metadata"]["invoice_number"] == "202600042"
    downloaded = client.get(f"{BASE}/delivery/download/{sent['feed_index']}/xml/", headers=ACCOUNTANT)
    assert downloaded.content == xml
    pdf = client.get(f"{BASE}/delivery/download/{sent['feed_index']}/pdf/", headers=ACCOUNTANT)
    assert pdf.content.startswith(b"%PDF")


def test_an_invalid_invoice_names_each_broken_rule(client, user, seller):
    licence = _licence(client, user)
    xml = _invoice_xml(client, seller).replace(b"<cbc:IssueDate>", b"<cbc:IssueDate>x", 1)
    files = {"file": ("invoice.xml", xml, "application/xml")}
    answer = client.post(f"{LICENCES}{licence['id']}/upload/", files=files, headers=user)
    assert answer.status_code == 400
    body = answer.json()
    assert body["detail"].startswith("The invoice breaks")
    assert body["errors"] and all(set(e) == {"rule", "location", "message"} for e in body["errors"])
    assert body["errors"][0]["rule"] == "UBL-XSD"


def test_not_xml_and_a_foreign_seller_are_refused(client, user, seller):
    licence = _licence(client, user)
    url = f"{LICENCES}{licence['id']}/upload/"
    garbage = client.post(url, files={"file": ("x.xml", b"not xml", "application/xml")}, headers=user)
    assert garbage.status_code == 400 and garbage.json()["errors"][0]["rule"] == "XML"
    world = demo_world(client)
    other = next(c for c in world.clients(world.offices[0].id) if c.enterprise_number and c.id != seller.id)
    foreign = _invoice_xml(client, other)
    answer = client.post(url, files={"file": ("i.xml", foreign, "application/xml")}, headers=user)
    assert answer.status_code == 400 and "the licence's holder" in answer.json()["detail"]


def test_an_inactive_licence_cannot_upload(client, user, seller):
    licence = _licence(client, user)
    client.put(f"{LICENCES}{licence['id']}/", json={"state": "inactive"}, headers=user)
    files = {"file": ("invoice.xml", _invoice_xml(client, seller), "application/xml")}
    answer = client.post(f"{LICENCES}{licence['id']}/upload/", files=files, headers=user)
    assert answer.status_code == 409 and "inactive" in answer.json()["detail"]


def test_check_presence_answers_the_participant(client, seller):
    url = f"{BASE}/peppol/receiver/check-presence/"
    vat = client.post(
        url, json={"scheme_id": "BE:VAT", "value": f"BE{seller.enterprise_number}"}, headers=ACCOUNTANT
    )
    assert vat.json() == {
        "scheme_id": "BE:VAT",
        "value": f"BE{seller.enterprise_number}",
        "participant_id": f"9925:be{seller.enterprise_number}",
        "present": True,
    }
    cbe = client.post(url, json={"scheme_id": "BE:CBE", "value": "0403019261"}, headers=ACCOUNTANT).json()
    assert (cbe["participant_id"], cbe["present"]) == ("0208:0403019261", False)
    bad = client.post(url, json={"scheme_id": "BE:CBE", "value": "0123456789"}, headers=ACCOUNTANT)
    assert bad.status_code == 400 and "not a valid Belgian CBE number" in bad.json()["detail"]


def test_an_uploaded_invoice_is_found_and_downloaded_through_connect(client, user, seller):
    """The same sales invoice reaches the accountant's software through Connect: its search finds it
    beside the world's, and its downloads give the bytes sent and a PDF."""
    headers = connect.bearer(client)
    office = connect.confirmed_office(client, headers)
    assert office.id == seller.office_id
    body = connect.search_body("salesInvoice", [seller.enterprise_number])
    before = [d["id"] for d in connect.every_page(client, headers, office, body)]
    licence = _licence(client, user)
    xml = _invoice_xml(client, seller, number="202600077")
    files = {"file": ("invoice.xml", xml, "application/xml")}
    sent = client.post(f"{LICENCES}{licence['id']}/upload/", files=files, headers=user).json()
    # a search covers [from, to): what arrived at this very instant is found a moment later
    client.put("/__sandbox/tenants/demo/clock", json={"advanceSeconds": 60})
    found = [d["id"] for d in connect.every_page(client, headers, office, body)]
    assert found[-1] == sent["feed_index"] and set(before) < set(found)  # the newest, beside the world's
    numbers = connect.company_numbers(demo_world(client), office)
    other = next(n for n in numbers if n != seller.enterprise_number)
    elsewhere = connect.every_page(client, headers, office, connect.search_body("salesInvoice", [other]))
    assert sent["feed_index"] not in [d["id"] for d in elsewhere]
    url = (
        f"{connect.BASE}/accounting-offices/{office.id}/clients/{seller.enterprise_number}"
        f"/sales-invoices/{sent['feed_index']}"
    )
    described = client.get(url, headers=headers).json()["data"]
    assert described["id"] == sent["feed_index"] and described["type"] == "salesInvoice"
    assert described["attributes"]["createdAt"].startswith("2026-11-17T")
    as_xml = client.get(url, headers={**headers, "Accept": "application/xml"})
    assert (as_xml.status_code, as_xml.content) == (200, xml)
    as_pdf = client.get(url, headers={**headers, "Accept": "application/pdf"})
    assert as_pdf.content.startswith(b"%PDF") and b"202600077" in as_pdf.content
    wrong_client = url.replace(seller.enterprise_number, other)
    assert client.get(wrong_client, headers=headers).status_code == 404
