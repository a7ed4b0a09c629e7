"""Document searches and downloads: the documents of the V2 world, by type, clients and the window
in which CodaBox received them, a page at a time; each downloads in the media types of its kind,
with the bytes the V2 API serves for the same document."""

import uuid
from datetime import datetime, timedelta

import pytest

from sandbox.apis.codabox.connect.documents import KINDS
from tests.codabox import v2
from tests.codabox.connect import (
    BASE,
    JSON_API,
    bearer,
    company_numbers,
    confirmed_office,
    create_consent,
    demo_world,
    errors,
    every_page,
    search,
    search_body,
)
from tests.conftest import make_client

NOW = datetime.fromisoformat("2026-11-17T09:00:00+00:00")
DAY = 86400


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(scope="module")
def headers(client):
    return bearer(client)


@pytest.fixture(scope="module")
def office(client, headers):
    return confirmed_office(client, headers)


@pytest.fixture(scope="module")
def numbers(client, office):
    return company_numbers(demo_world(client), office)


def _window(days: int) -> dict:
    return {"from": f"{NOW - timedelta(days=days):%Y-%m-%dT%H:%M:%S.000Z}", "to": "2026-11-17T09:00:00.000Z"}


def _ids(found: list[dict]) -> list[str]:
    return [d["id"] for d in found]


def test_a_search_lists_the_statements_of_the_window_with_its_paging(client, headers, office, numbers):
    data = search(client, headers, office, search_body("bankAccountStatement", numbers, **_window(10)))[
        "data"
    ]
    assert data["type"] == "documentSearch" and uuid.UUID(data["id"])
    assert data["attributes"] == {
        "documentType": "bankAccountStatement",
        "from": "2026-11-07T09:00:00.000Z",
        "to": "2026-11-17T09:00:00.000Z",
    }
    assert data["relationships"]["clients"]["data"] == [{"type": "client", "id": n} for n in numbers]
    documents = data["relationships"]["documents"]["data"]
    assert documents and all(d["type"] == "bankAccountStatement" for d in documents)
    assert data["meta"]["paging"]["limit"] == 100
    world = demo_world(client)
    expected = {
        ref.id
        for c in world.clients(office.id)
        for ref in world.client_documents(c, NOW.date() - timedelta(14), NOW.date())
        if ref.model == "coda" and NOW - timedelta(days=10) <= ref.available_at < NOW
    }
    assert set(_ids(documents)) == expected


def test_without_from_and_to_the_window_is_the_last_two_years(client, headers, office, numbers):
    data = search(client, headers, office, search_body("payrollStatement", numbers[:3]))["data"]
    assert data["attributes"]["from"] == "2024-11-17T09:00:00.000Z"
    assert data["attributes"]["to"] == "2026-11-17T09:00:00.000Z"


def test_the_window_is_held_to_two_years_back_and_now(client, headers, office, numbers):
    body = search_body(
        "salesInvoice", numbers[:2], **{"from": "2019-01-01T00:00:00Z", "to": "2027-06-01T00:00:00+02:00"}
    )
    attributes = search(client, headers, office, body)["data"]["attributes"]
    assert (attributes["from"], attributes["to"]) == ("2024-11-17T09:00:00.000Z", "2026-11-17T09:00:00.000Z")


@pytest.mark.parametrize(
    ("window", "attribute"),
    [
        ({"from": "2026-11-10T00:00:00Z", "to": "2026-11-09T00:00:00Z"}, "to"),
        ({"from": "2026-12-01T00:00:00Z"}, "from"),
        ({"to": "2023-01-01T00:00:00Z"}, "to"),
        ({"from": "2026-11-10"}, "from"),
    ],
)
def test_a_window_that_cannot_be_searched_is_a_validation_error(
    client, headers, office, numbers, window, attribute
):
    answer = search(
        client, headers, office, search_body("bankAccountStatement", numbers, **window), status=400
    )
    assert [(e["code"], e["meta"]["attribute"]) for e in answer["errors"]] == [("validationError", attribute)]


def test_pages_follow_each_other_to_the_end_without_a_document_twice(client, headers, office, numbers):
    body = search_body("bankAccountStatement", numbers, **_window(30), paging={"limit": 1000})
    whole = _ids(search(client, headers, office, body)["data"]["relationships"]["documents"]["data"])
    paged = every_page(
        client,
        headers,
        office,
        search_body("bankAccountStatement", numbers, **_window(30), paging={"limit": 7}),
    )
    assert len(whole) > 14 and _ids(paged) == whole


def test_chained_windows_find_each_document_once(client, headers, office, numbers):
    middle = "2026-11-03T12:34:56.789Z"
    first = {"from": _window(30)["from"], "to": middle}
    second = {"from": middle, "to": "2026-11-17T09:00:00.000Z"}
    found = []
    for window in (first, second):
        found += _ids(
            every_page(
                client,
                headers,
                office,
                search_body("purchaseInvoice", numbers, **window, paging={"limit": 1000}),
            )
        )
    whole = every_page(client, headers, office, search_body("purchaseInvoice", numbers, **_window(30)))
    assert found == _ids(whole) and len(set(found)) == len(found)


@pytest.mark.parametrize(
    ("paging", "attribute"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"after": "not-a-uuid"}, "after"),
        ({"after": str(uuid.UUID(int=7))}, "after"),
    ],
)
def test_paging_out_of_bounds_is_a_validation_error(client, headers, office, numbers, paging, attribute):
    body = search_body("bankAccountStatement", numbers, paging=paging)
    answer = search(client, headers, office, body, status=400)
    assert (
        answer["errors"][0]["code"] == "validationError"
        and answer["errors"][0]["meta"]["attribute"] == attribute
    )


def test_clients_are_one_to_five_thousand_company_numbers(client, headers, office, numbers):
    for clients in ([], [f"{n:010d}" for n in range(5001)], ["BE0403019261"]):
        body = search_body("bankAccountStatement", clients)
        assert search(client, headers, office, body, status=400)["errors"][0]["code"] == "validationError"


def test_a_company_number_that_is_no_client_of_the_office_finds_nothing(client, headers, office):
    data = search(client, headers, office, search_body("bankAccountStatement", ["0403019261"]))["data"]
    assert data["relationships"]["documents"]["data"] == [] and "after" not in data["meta"]["paging"]


def test_every_type_finds_its_own_documents(client, headers, office, numbers):
    for kind in ("payrollStatement", "purchaseInvoice", "salesInvoice"):
        documents = search(client, headers, office, search_body(kind, numbers, **_window(60)))["data"][
            "relationships"
        ]["documents"]["data"]
        assert documents and {d["type"] for d in documents} == {kind}, kind
    credit = search(client, headers, office, search_body("creditCardStatement", numbers))["data"]
    documents = credit["relationships"]["documents"]["data"]
    assert documents and {d["type"] for d in documents} == {"creditCardStatement"}


def test_an_unknown_office_and_an_unconfirmed_consent_are_refused(client, headers, numbers):
    body = search_body("bankAccountStatement", numbers)
    answer = client.post(
        f"{BASE}/accounting-offices/{uuid.uuid4()}/document-searches", json=body, headers=headers
    )
    assert answer.status_code == 404 and errors(answer)[0]["code"] == "unknownAccountingOffice"
    pending = demo_world(client).offices[2]
    create_consent(client, headers, pending)
    answer = client.post(
        f"{BASE}/accounting-offices/{pending.id}/document-searches", json=body, headers=headers
    )
    assert answer.status_code == 403 and errors(answer)[0]["code"] == "accountingOfficeConsentNotConfirmed"


# -- downloads -------------------------------------------------------------------------------------
def _first(client, headers, office, numbers, kind: str, days: int = 20) -> tuple[str, str]:
    """(company number, id) of the first document of a kind in the last days."""
    world = demo_world(client)
    owner = {c.id: c.enterprise_number for c in world.clients(office.id)}
    documents = search(client, headers, office, search_body(kind, numbers, **_window(days)))["data"][
        "relationships"
    ]["documents"]["data"]
    document_id = documents[0]["id"]
    for c in world.clients(office.id):
        for ref in world.client_documents(c, NOW.date() - timedelta(days + 5), NOW.date()):
            if ref.id == document_id:
                return owner[c.id], document_id
    raise AssertionError("the document belongs to no client of the office")


def _get(client, headers, office, number, kind: str, document_id: str, accept: str):
    path = f"{BASE}/accounting-offices/{office.id}/clients/{number}/{KINDS[kind].path}/{document_id}"
    return client.get(path, headers={**headers, "Accept": accept})


FORMATS = {
    "bankAccountStatement": {"application/pdf": "pdf", "application/vnd.coda.v1+cod": "cod"},
    "payrollStatement": {"application/pdf": "pdf", "application/vnd.soda.v1+xml": "xml"},
    "purchaseInvoice": {"application/pdf": "pdf", "application/xml": "xml"},
    "salesInvoice": {"application/pdf": "pdf", "application/xml": "xml"},
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_every_kind_downloads_with_the_bytes_v2_serves(client, headers, office, numbers, kind):
    number, document_id = _first(
        client, headers, office, numbers, kind, days=25 if kind != "payrollStatement" else 28
    )
    for media_type, fmt in FORMATS[kind].items():
        answer = _get(client, headers, office, number, kind, document_id, media_type)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media_type)
        through_v2 = client.get(f"/codabox/delivery/download/{document_id}/{fmt}/", headers=v2.ACCOUNTANT)
        assert through_v2.status_code == 200, through_v2.text
        assert answer.content == through_v2.content, (kind, fmt)


@pytest.mark.parametrize(
    ("kind", "attributes"),
    [
        ("bankAccountStatement", {"createdAt", "iban"}),
        ("payrollStatement", {"createdAt", "socialOfficeId"}),
        ("purchaseInvoice", {"availableContentTypes", "receivedAt"}),
        ("salesInvoice", {"createdAt", "invoicingSoftware"}),
    ],
)
def test_the_json_api_answer_is_the_documents_metadata(client, headers, office, numbers, kind, attributes):
    number, document_id = _first(client, headers, office, numbers, kind, days=40)
    answer = _get(client, headers, office, number, kind, document_id, JSON_API)
    assert answer.status_code == 200 and answer.headers["content-type"] == JSON_API
    data = answer.json()["data"]
    assert (data["type"], data["id"]) == (kind, document_id) and set(data["attributes"]) == attributes
    assert data["links"]["self"].endswith(f"/clients/{number}/{KINDS[kind].path}/{document_id}")
    if kind == "bankAccountStatement":
        assert data["attributes"]["iban"].startswith("BE")
    if kind == "purchaseInvoice":
        assert data["attributes"]["availableContentTypes"] == [JSON_API, "application/pdf", "application/xml"]


@pytest.mark.parametrize(
    ("kind", "accept"),
    [
        ("bankAccountStatement", "application/xml"),
        ("bankAccountStatement", "application/vnd.soda.v1+xml"),
        ("payrollStatement", "application/vnd.coda.v1+cod"),
        ("purchaseInvoice", "application/vnd.caro.v1+xml"),
        ("salesInvoice", "text/csv"),
    ],
)
def test_an_accept_the_kind_cannot_give_is_not_acceptable(client, headers, office, numbers, kind, accept):
    number, document_id = _first(client, headers, office, numbers, kind, days=40)
    answer = _get(client, headers, office, number, kind, document_id, accept)
    assert answer.status_code == 406 and errors(answer)[0]["code"] == "notAcceptable"


def test_unknown_documents_and_clients_are_not_found(client, headers, office, numbers):
    number, document_id = _first(client, headers, office, numbers, "bankAccountStatement")
    other = next(n for n in numbers if n != number)
    for path_number, path_id, kind in [
        (number, str(uuid.uuid4()), "bankAccountStatement"),
        (other, document_id, "bankAccountStatement"),
        ("0403019261", document_id, "bankAccountStatement"),
        (number, document_id, "salesInvoice"),
        (number, str(uuid.uuid4()), "creditCardStatement"),
    ]:
        answer = _get(client, headers, office, path_number, kind, path_id, JSON_API)
        assert answer.status_code == 404 and errors(answer)[0]["code"] == "notFound", (path_number, kind)


def test_downloads_need_the_offices_consent(client, headers, numbers):
    pending = demo_world(client).offices[1]
    answer = client.get(
        f"{BASE}/accounting-offices/{pending.id}/clients/{numbers[0]}/bank-account-statements/{uuid.uuid4()}",
        headers=headers,
    )
    assert answer.status_code == 403 and errors(answer)[0]["code"] == "accountingOfficeConsentNotConfirmed"


def test_a_mandate_the_bank_activates_brings_its_statements_to_searches():
    client = make_client()
    headers = bearer(client)
    office = confirmed_office(client, headers)
    company, iban = v2.fresh_account(client, "GEBABEBB")
    mandate = v2.order_coda(client, company.id, "GEBABEBB", [iban]).json()
    v2.advance(client, 600)
    v2.action(client, "sign", {"mandate_id": mandate["id"]})
    v2.action(client, "activate", {"mandate_id": mandate["id"]})
    v2.advance(client, 3 * DAY)
    headers = bearer(client)  # the first token expired meanwhile
    body = search_body(
        "bankAccountStatement", [company.enterprise_number], **{"from": "2026-11-17T09:00:00Z"}
    )
    found = every_page(client, headers, office, body)
    statements = (
        f"{BASE}/accounting-offices/{office.id}/clients/{company.enterprise_number}/bank-account-statements"
    )

    def iban_of(document: dict) -> str:
        return client.get(f"{statements}/{document['id']}", headers=headers).json()["data"]["attributes"][
            "iban"
        ]

    assert iban in {iban_of(document) for document in found}
    v2.action(client, "archive", {"mandate_id": mandate["id"], "reason": "stopped by the bank"})
    v2.advance(client, 5 * DAY)
    headers = bearer(client)
    later = every_page(
        client,
        headers,
        office,
        search_body("bankAccountStatement", [company.enterprise_number], **{"from": "2026-11-21T12:00:00Z"}),
    )
    assert iban not in {iban_of(document) for document in later}
