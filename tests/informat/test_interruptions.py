"""Informat's staff API: interruptions (dienstonderbrekingen) with their attachments, and the
outcome of signing a document, kept per tenant."""

import base64
import uuid

import pytest

from tests.conftest import make_client
from tests.informat.php_client import Multipart
from tests.informat.test_staff import BASE, PRIMARY, SECONDARY, error_code, headers, token

YEAR = "2026-27"


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def auth(client) -> dict[str, str]:
    return {k: v for k, v in headers(token(client, SECONDARY)).items() if k != "Api-Version"}


@pytest.fixture
def person(client, auth) -> str:
    employees = client.get(f"{BASE}/employees", headers={**auth, "Api-Version": "2"}).json()
    return next(e["personId"] for e in employees if e["isActive"])


def interruption(**changes) -> dict:
    body = {
        "schooljaar": YEAR,
        "hfd": "311",
        "code": "1",
        "begindatum": "2026-11-18",
        "einddatum": "2026-11-27",
        "afzender": "Koba",
        "instelnr": SECONDARY,
    }
    return {**body, **changes}


def put(client, auth, person: str, interruption_id: str, body: dict):
    return client.put(f"{BASE}/employees/{person}/interruptions/{interruption_id}", json=body, headers=auth)


def attach(client, auth, interruption_id: str, attachment_id: str, filename="attest.pdf", data=b"%PDF-1.4"):
    body = {"filename": filename, "file": base64.b64encode(data).decode()}
    url = f"{BASE}/employees/interruptions/{interruption_id}/attachments/{attachment_id}"
    return client.put(url, json=body, headers=auth)


def listed(client, auth, path="/employees/interruptions", **params) -> list[dict]:
    answer = client.get(BASE + path, headers=auth, params={"schoolYear": YEAR, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_interruptions_list_is_not_taken_for_an_employee_id(client, auth):
    answer = client.get(f"{BASE}/employees/interruptions", headers=auth)
    assert answer.status_code == 200
    assert answer.json() == []


def test_an_added_interruption_is_listed_for_the_school_and_the_employee(client, auth, person):
    saved = put(client, auth, person, "do-1", interruption(opmerking="Griep"))
    assert saved.status_code == 200, saved.text
    assert saved.json() == {
        "doId": "do-1",
        "personId": person,
        "hfd": "311",
        "begindatum": "2026-11-18",
        "einddatum": "2026-11-27",
        "code": "1",
        "omschrijving": "Ziekte",
        "soort": "Dienstonderbreking",
        "verstuurdAgODi": False,
    }
    assert listed(client, auth) == [saved.json()]
    assert listed(client, auth, structure="311") == [saved.json()]
    assert listed(client, auth, f"/employees/{person}/interruptions") == [saved.json()]
    assert listed(client, auth, schoolYear="2025-26") == []  # ends before that school year began
    changed = put(client, auth, person, "do-1", interruption(einddatum="2026-12-04"))
    assert changed.json()["einddatum"] == "2026-12-04"
    assert [i["einddatum"] for i in listed(client, auth)] == ["2026-12-04"]


def test_interruptions_are_the_tenants_own(client, auth, person):
    assert put(client, auth, person, "do-1", interruption()).status_code == 200
    created = client.post("/__sandbox/tenants", json={"name": "other"}).json()
    oauth = created["credentials"]["oauth2"]["client"]
    other = {
        k: v
        for k, v in headers(
            token(client, SECONDARY, client_id=oauth["client_id"], secret=oauth["client_secret"])
        ).items()
        if k != "Api-Version"
    }
    assert listed(client, other) == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"instelnr": PRIMARY}, "BR003A", "InstituteNo"),
        ({"schooljaar": "2026"}, "BR004B", "schooljaar"),
        ({"schooljaar": "2026-28"}, "BR004B", "na 2026 volgt 2026-27"),
        ({"hfd": "31"}, "BR005B", "hfd"),
        ({"hfd": "211"}, "BR013", "211"),
        ({"code": "9"}, "BR006B", "code"),
        ({"einddatum": "2026-11-10"}, "BR008B", "begindatum"),
        ({"opmerking": "x" * 51}, "BR009", "opmerking"),
        ({"afzender": ""}, "BR012A", "afzender"),
        ({"schooljaar": None}, "BR004B", "schooljaar"),
    ],
)
def test_an_invalid_interruption_is_refused_and_not_stored(client, auth, person, changes, code, field):
    answer = put(client, auth, person, "do-1", interruption(**changes))
    assert answer.status_code == 400
    assert error_code(answer) == code
    assert field in answer.json()["message"]
    assert listed(client, auth) == []


def test_a_missing_field_has_its_own_code(client, auth, person):
    body = interruption()
    del body["code"]
    answer = put(client, auth, person, "do-1", body)
    assert (answer.status_code, error_code(answer)) == (400, "BR006A")
    assert answer.json()["errors"][0]["message"].startswith("Code is verplicht.")


def test_an_unknown_employee_gets_no_interruption(client, auth):
    answer = put(client, auth, "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "do-1", interruption())
    assert (answer.status_code, error_code(answer)) == (400, "BR014")
    malformed = put(client, auth, "not-a-guid", "do-1", interruption())
    assert (malformed.status_code, error_code(malformed)) == (400, "BR001")


def test_overlapping_interruptions_and_another_employees_id_are_refused(client, auth, person):
    employees = client.get(f"{BASE}/employees", headers={**auth, "Api-Version": "2"}).json()
    colleague = next(e["personId"] for e in employees if e["isActive"] and e["personId"] != person)
    assert put(client, auth, person, "do-1", interruption()).status_code == 200
    assert put(
        client, auth, person, "do-2", interruption(begindatum="2026-12-01", einddatum="2026-12-02")
    ).json()
    added = put(client, auth, person, "do-3", interruption(begindatum="2026-11-20", einddatum="2026-11-21"))
    assert (added.status_code, error_code(added)) == (405, "MNA005")
    changed = put(client, auth, person, "do-2", interruption(begindatum="2026-11-25", einddatum="2026-12-02"))
    assert (changed.status_code, error_code(changed)) == (405, "MNA006")
    taken = put(client, auth, colleague, "do-1", interruption())
    assert (taken.status_code, error_code(taken)) == (405, "MNA002")
    assert put(client, auth, colleague, "do-9", interruption()).status_code == 200  # overlaps only its own


def test_attachments_are_linked_unlinked_and_removed_with_their_interruption(client, auth, person):
    put(client, auth, person, "do-1", interruption())
    put(client, auth, person, "do-2", interruption(begindatum="2026-12-01", einddatum="2026-12-02"))
    first = attach(client, auth, "do-1", "att-1", data=b"%PDF-1.4 one")
    assert first.status_code == 200, first.text
    assert first.json() == {
        "interruptionId": "do-1",
        "attachmentId": "att-1",
        "filename": "attest.pdf",
        "size": 12,
    }
    assert attach(client, auth, "do-2", "att-1").status_code == 200  # one attachment, two interruptions
    url = f"{BASE}/employees/interruptions/do-1/attachments/att-1"
    assert client.delete(url, headers=auth).json() == {
        "interruptionId": "do-1",
        "attachmentId": "att-1",
        "deleted": True,
    }
    again = client.delete(url, headers=auth)
    assert (again.status_code, error_code(again)) == (400, "BR019")
    assert client.delete(f"{BASE}/employees/interruptions/do-2", headers=auth).json() == {
        "doId": "do-2",
        "deleted": True,
    }
    gone = attach(client, auth, "do-2", "att-2")
    assert (gone.status_code, error_code(gone)) == (400, "BR018")
    deleted = client.delete(f"{BASE}/employees/interruptions/do-2", headers=auth)
    assert (deleted.status_code, error_code(deleted)) == (400, "BR018")


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("attest.exe", b"MZ", "BR016C"),
        ("x" * 97 + ".pdf", b"%PDF", "BR016B"),
        ("attest.pdf", b"\0" * (10 * 2**20 + 1), "BR017B"),
    ],
)
def test_an_attachment_is_refused_for_its_name_or_size(client, auth, person, filename, data, code):
    put(client, auth, person, "do-1", interruption())
    answer = attach(client, auth, "do-1", "att-1", filename=filename, data=data)
    assert (answer.status_code, error_code(answer)) == (400, code)


def test_an_attachment_of_another_employee_is_refused(client, auth, person):
    employees = client.get(f"{BASE}/employees", headers={**auth, "Api-Version": "2"}).json()
    colleague = next(e["personId"] for e in employees if e["isActive"] and e["personId"] != person)
    put(client, auth, person, "do-1", interruption())
    put(client, auth, colleague, "do-2", interruption())
    assert attach(client, auth, "do-1", "att-1").status_code == 200
    answer = attach(client, auth, "do-2", "att-1")
    assert (answer.status_code, error_code(answer)) == (405, "MNA007")


# -- signed documents --------------------------------------------------------------------------------
def signed(client, auth, person: str, document_id: int, status: str, pdf: bytes | None = None, at=None):
    """As the public client sends it: multipart, whether or not it holds the signed PDF."""
    body = Multipart().field("status", status).field("tijdstip", at or "2026-11-17T08:30:00Z")
    if pdf is not None:
        body.file("bestand", pdf, "signed.pdf", "application/pdf")
    url = f"{BASE}/employees/{person}/documents/{document_id}/signeddocument"
    return client.post(url, content=body.encode(), headers={**auth, "Content-Type": body.content_type})


@pytest.fixture
def document(client, auth) -> dict:
    return client.get(f"{BASE}/employees/documents", headers=auth, params={"rlType": "RL1"}).json()[0]


def test_the_signed_outcome_becomes_the_documents_signing_status(client, auth, document):
    person, document_id = document["personId"], document["documentId"]
    answer = signed(client, auth, person, document_id, "Ondertekend", b"%PDF-1.7 signed")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["tekenStatus"], body["tijdstip"], body["bestand"]["size"]) == (
        "Ondertekend",
        "2026-11-17T08:30:00Z",
        15,
    )
    documents = client.get(f"{BASE}/employees/documents", headers=auth, params={"rlType": "RL1"}).json()
    assert next(d for d in documents if d["documentId"] == document_id)["tekenStatus"] == "Ondertekend"
    refused = signed(client, auth, person, document_id, "Geweigerd")
    assert refused.status_code == 200 and refused.json()["bestand"] is None


@pytest.mark.parametrize(
    ("status", "pdf", "at", "code"),
    [
        ("Ondertekend", None, None, "BR_DOC_011"),
        ("Ondertekend", b"GIF89a", None, "BR_DOC_012"),
        ("Getekend", None, None, "BR_DOC_010"),
        ("Bekeken", None, "gisteren", "BR_DOC_013"),
        ("Bekeken", None, "2026-11-17T08:30:00", "BR_DOC_013"),
    ],
)
def test_a_signed_outcome_is_refused_when_it_is_wrong(client, auth, document, status, pdf, at, code):
    answer = signed(client, auth, document["personId"], document["documentId"], status, pdf, at)
    assert (answer.status_code, error_code(answer)) == (400, code)


def test_a_signed_outcome_of_an_unknown_document_is_not_found(client, auth, document):
    answer = signed(client, auth, document["personId"], document["documentId"] + 7, "Bekeken")
    assert (answer.status_code, error_code(answer)) == (404, "DNF022")


def test_an_interruption_id_of_another_school_is_refused(client, person):
    """The sandbox's third school shares no employee with the first; an id is Informat-wide."""
    both = headers(token(client, SECONDARY, "034567"))
    mine = {k: v for k, v in both.items() if k != "Api-Version"}
    assert put(client, mine, person, "do-1", interruption()).status_code == 200
    elsewhere = {**mine, "InstituteNo": "034567"}
    employees = client.get(f"{BASE}/employees", headers={**elsewhere, "Api-Version": "2"}).json()
    theirs = next(e["personId"] for e in employees if e["isActive"])
    answer = put(client, elsewhere, theirs, "do-1", interruption(instelnr="034567"))
    assert (answer.status_code, error_code(answer)) == (405, "MNA001")
    assert str(uuid.UUID(theirs)) == theirs


def test_an_unsupported_document_type_is_refused_with_the_clients_code(client, auth):
    answer = client.get(f"{BASE}/employees/documents", headers=auth, params={"rlType": ["RL1", "RL3"]})
    assert (answer.status_code, error_code(answer)) == (400, "BR_DOC_007")
