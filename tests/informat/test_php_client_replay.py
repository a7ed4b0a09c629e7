"""Every call of the public PHP client of Informat, replayed as it builds it against the real hosts
of the sandbox, and every answer read into the client's typed classes (`php_client.py`); then the
contract checks of the tenant find nothing to blame the client for."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, date, datetime

import pytest
from starlette.testclient import TestClient
from stdnum.be import nn

from sandbox.testing import SandboxClient
from tests.conftest import make_client
from tests.informat import php_client as php
from tests.informat.php_client import PhpInformatClient, maps

INSTITUTE = "12345"  # the client pads it to 012345
YEAR = 2026  # the sandbox clock's school year (2026-27), as the client's `Schoolyear(null)` computes it
TODAY = date(2026, 11, 17)


@pytest.fixture(scope="module")
def sandbox():
    http = make_client()
    tenant = http.post("/__sandbox/tenants", json={"name": "php-client"}).json()
    oauth = tenant["credentials"]["oauth2"]["client"]
    client = PhpInformatClient(http, oauth["client_id"], oauth["client_secret"], INSTITUTE)
    return http, tenant["id"], client


@pytest.fixture(scope="module")
def client(sandbox) -> PhpInformatClient:
    return sandbox[2]


def preregistration(**changes) -> dict:
    """The body `CreatePreregistrationCall::getBody` builds from `make()` alone: every optional null."""
    body = {
        "lastName": "Janssens", "firstName": "Mila", "additionalNames": None, "dateOfBirth": "2015-03-14",
        "countryOfBirthCode": "00150", "placeOfBirthCode": None, "placeOfBirth": None,
        "nationalityCode": "00150", "sex": 2, "insz": None, "eIdNo": None, "eIdPhoto": None,
        "mobilePhone": None, "email": None, "nameOfDoctor": None, "phoneOfDoctor": None,
        "firstLanguage": None, "isHomeless": False, "migrating": False, "isIndicatorPupil": False,
        "religion": None, "priorityGroup": None, "reasonForRefusal": None, "Relationships": [],
        "preRegistrationId": str(uuid.uuid4()), "schoolyear": "2027-28", "institute": "012345",
        "structure": "311", "locationId": "001", "admgrpId": "311001", "admgrpDetail": None,
        "preRegistrationDate": "2026-11-16T18:45", "startDate": "2027-09-01", "registrationStatus": 0,
        "remark": None, "assignedViaRegistrationSystem": False,
    }  # fmt: skip
    return {**body, **changes}


def relation(kind: int, last: str, first: str, **changes) -> dict:
    """`Relation::toArray`."""
    return {
        "type": kind, "lastName": last, "firstName": first, "Address": None, "phone": None,
        "mobilePhone": None, "email": None, "insz": None, **changes,
    }  # fmt: skip


# -- students ---------------------------------------------------------------------------------------
def test_students_map_into_the_clients_classes(client):
    students = client.get_students(YEAR)
    assert len(students) > 300
    for student in students:
        maps(student, php.STUDENT)
    assert {s["geslacht"] for s in students} == {"M", "V"}
    assert any(s["huisdokter"] and s["telefoonHuisdokter"] for s in students)
    assert any(s["comnrs"] for s in students) and all(s["emails"] for s in students)
    relations = [r for s in students for r in s["relaties"]]
    assert all(r["comnrs"] and r["emails"] for r in relations)
    assert {r["comnrs"][0]["soort"] for r in relations} == {"Gsm"}
    assert {r["geslacht"] for r in relations} == {"M", "V"}
    assert any(r["burgerlijkeStand"] for r in relations)


def test_students_with_a_reference_date_and_changed_since(client):
    changed = datetime(2026, 11, 1, tzinfo=UTC)
    recent = client.get_students(YEAR, refdate=date(2026, 10, 1), changed=changed)
    assert 0 < len(recent) < 300
    for student in recent:
        maps(student, php.STUDENT)


def test_one_student_is_wrapped_in_student(client):
    first = client.get_students(YEAR)[3]
    one = client.get_student(first["persoonId"], YEAR)
    maps(one, php.STUDENT)
    assert one == first
    dated = client.get_student(first["persoonId"], "2026-27", refdate=date(2027, 1, 15))
    assert dated["inschrijvingsId"] == first["inschrijvingsId"]


def test_registrations_map_with_their_classes_and_religion_codes(client):
    registrations = client.get_registrations(YEAR)
    for registration in registrations:
        maps(registration, php.REGISTRATION)
    assert all(
        len(r["inschrKlassen"]) == 1 and r["inschrKlassen"][0]["groepType"] == 0 for r in registrations
    )
    assert {r["levensbeschouwingCode"] for r in registrations} >= {"0140", "0187"}
    assert {r["vestCode"] for r in registrations} == {registrations[0]["vestCode"]}
    since = client.get_registrations(YEAR, changed=datetime(2026, 11, 1, 9, 30))
    assert 0 < len(since) < len(registrations)


def test_a_student_photo_is_wrapped_in_photo(client):
    student = client.get_students(YEAR)[0]
    photo = client.get_photo(student["persoonId"])
    maps(photo, php.STUDENT_PHOTO)
    assert photo["persoonId"] == student["persoonId"]
    assert base64.b64decode(photo["foto"]).startswith(b"\x89PNG")


# -- preregistrations -------------------------------------------------------------------------------
def test_the_minimal_preregistration_of_the_client_is_saved_and_deleted(client):
    body = preregistration()
    saved = client.create_preregistration(body)
    maps(saved, php.PREREGISTRATION_RESPONSE)
    assert saved == {"preRegistrationId": body["preRegistrationId"], "status": "open"}
    status = client.get_preregistration_status(body["preRegistrationId"])
    maps(status, php.PREREGISTRATION_RESPONSE)
    client.delete_preregistration(body["preRegistrationId"])


def test_a_full_preregistration_becomes_a_student_the_client_reads(sandbox, client):
    http, tenant, _ = sandbox
    mother = relation(
        14,
        "Peeters",
        "Sara",
        Address={
            "streetName": "Kerkstraat", "houseNo": "12", "houseBusNo": "b", "postalCode": "2800",
            "city": "Mechelen", "countryCode": "00150", "isDomicileAddress": True,
            "isWritingAddress": True, "isResidenceAddress": True,
        },
        phone="015 12 34 56",
        mobilePhone="0475 12 34 56",
        email="sara.peeters@example.be",
        insz="85071500224",
    )  # fmt: skip
    assert nn.is_valid(mother["insz"]) and nn.get_gender(mother["insz"]) == "F"
    body = preregistration(
        additionalNames="Anna Maria",
        placeOfBirthCode="2800",
        placeOfBirth="Mechelen",
        insz="15031412415",
        eIdNo="592123456789",
        eIdPhoto=base64.b64encode(bytes(range(256))).decode(),  # holds `/`, which json_encode escapes
        mobilePhone="0470 00 00 01",
        email="mila@example.be",
        nameOfDoctor="Dr. Wouters",
        phoneOfDoctor="015 00 00 00",
        firstLanguage="Nederlands",
        religion=140,
        priorityGroup=2,
        admgrpDetail="Latijn",
        remark="Broer in 3de jaar",
        assignedViaRegistrationSystem=True,
        Relationships=[mother, relation(13, "Janssens", "Tom")],
    )
    assert b"\\/" in php.php_json(body)
    assert client.create_preregistration(body)["status"] == "open"
    decided = http.post(
        f"/__sandbox/tenants/{tenant}/apis/informat-students/actions/decide-preregistration",
        json={
            "institute": "012345",
            "preRegistrationId": body["preRegistrationId"],
            "status": "geaccepteerd",
        },
    )
    assert decided.status_code == 200, decided.text
    assert client.get_preregistration_status(body["preRegistrationId"])["status"] == "geaccepteerd"

    (registration,) = [
        r for r in client.get_registrations(2027) if r["preRegistrationId"] == body["preRegistrationId"]
    ]
    maps(registration, php.REGISTRATION)
    assert registration["levensbeschouwingCode"] == "0140" and registration["inschrKlassen"] == []
    student = client.get_student(registration["persoonId"], 2027, refdate=date(2027, 9, 2))
    maps(student, php.STUDENT)
    assert (student["geslacht"], student["huisdokter"], student["telefoonHuisdokter"]) == (
        "V",
        "Dr. Wouters",
        "015 00 00 00",
    )
    assert (
        student["comnrs"][0]["nr"] == "0470 00 00 01" and student["emails"][0]["email"] == "mila@example.be"
    )
    first, second = student["relaties"]
    assert (first["type"], first["geslacht"], second["type"], second["geslacht"]) == (
        "Moeder",
        "V",
        "Vader",
        "M",
    )
    assert [c["soort"] for c in first["comnrs"]] == ["Gsm", "Telefoon"]
    assert first["adressen"][0]["straat"] == "Kerkstraat" and first["emails"][0]["factuurMailen"] is True
    assert client.get_photo(registration["persoonId"]) is None  # the client's `GetPhotoCall` answers null


# -- staff ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def employee(client) -> dict:
    employees = client.staff_list("employees", YEAR).json()
    photographed = {p["personId"] for p in client.staff_list("employees/photos", YEAR).json()}
    return next(e for e in employees if e["isActive"] and e["personId"] in photographed)


def test_employees_map_into_the_clients_classes(client, employee):
    for structure in (None, "311"):
        employees = client.staff_list("employees", YEAR, structure).json()
        for e in employees:
            maps(e, php.EMPLOYEE)
    one = client.send(
        "GET",
        php.STAFF_API,
        f"employees/{employee['personId']}",
        {"schoolYear": "2026-27", "structure": "311"},
    ).json()
    maps(one, php.EMPLOYEE)
    assert one["personId"] == employee["personId"]


@pytest.mark.parametrize(
    ("endpoint", "php_class", "structures"),
    [  # `structure` only where the client's call has `setStructure`
        ("employees/OwnFields", php.OWN_FIELD, (None,)),
        ("employees/diplomas", php.DIPLOMA, (None, "311")),
        ("employees/photos", php.STAFF_PHOTO, (None, "311")),
        ("employees/documents", php.DOCUMENT, (None,)),
        ("employees/interruptions", php.INTERRUPTION, (None, "311")),
    ],
)
def test_staff_lists_map_into_the_clients_classes(client, endpoint, php_class, structures):
    defaults = php.DOCUMENT_DEFAULTS if php_class is php.DOCUMENT else None
    for structure in structures:
        items = client.staff_list(endpoint, YEAR, structure).json()
        assert isinstance(items, list)
        for item in items:
            maps(item, php_class, defaults=defaults)


def test_one_employees_diplomas_and_photo(client, employee):
    person = employee["personId"]
    diplomas = client.staff_list(f"employees/{person}/diplomas", YEAR, "311").json()
    assert diplomas and all(d["personId"] == person for d in diplomas)
    for diploma in diplomas:
        maps(diploma, php.DIPLOMA)
    photo = client.get_photo_for_employee(person)
    maps(photo, php.STAFF_PHOTO)
    assert photo["personId"] == person


def test_documents_by_type_and_reference_date_their_pdf_and_the_signed_outcome(client):
    documents = client.staff_list(
        "employees/documents", YEAR, rlType="RL1", referencedate="2026-09-01"
    ).json()
    assert documents and {d["rlType"] for d in documents} == {"RL1"}
    for d in documents:
        maps(d, php.DOCUMENT, defaults=php.DOCUMENT_DEFAULTS)
    d = documents[0]
    pdf = client.get_document(d["personId"], d["documentId"])
    assert pdf.content.startswith(b"%PDF-")
    signed_at = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)
    client.submit_signed_document(d["personId"], d["documentId"], "Ondertekend", signed_at, pdf.content)
    other = documents[1]
    client.submit_signed_document(other["personId"], other["documentId"], "Geweigerd", signed_at)
    after = {
        x["documentId"]: x["tekenStatus"]
        for x in client.staff_list(
            "employees/documents", YEAR, rlType="RL1", referencedate="2026-09-01"
        ).json()
    }
    assert (after[d["documentId"]], after[other["documentId"]]) == ("Ondertekend", "Geweigerd")


def test_an_interruption_with_an_attachment_is_added_listed_and_removed(client, employee):
    person, interruption_id, attachment_id = employee["personId"], str(uuid.uuid4()), str(uuid.uuid4())
    body = {
        "schooljaar": "2026-27", "hfd": "311", "code": "1", "begindatum": "2026-11-18",
        "einddatum": "2026-11-27", "afzender": "Koba", "opmerking": "Griep", "naamGeneesheer": "Dr. Maes",
        "telefoonGeneesheer": "015 11 22 33", "magWoonstVerlaten": False,
    }  # fmt: skip
    client.create_interruption(person, interruption_id, body)
    client.create_interruption(person, interruption_id, {**body, "einddatum": "2026-11-30"})  # a change
    sick_note = base64.b64encode(b"%PDF-1.4 sick note").decode()
    client.create_interruption_attachment(interruption_id, attachment_id, "attest.pdf", sick_note)

    everyone = client.staff_list("employees/interruptions", YEAR, "311").json()
    mine = client.staff_list(f"employees/{person}/interruptions", YEAR).json()
    for interruption in everyone + mine:
        maps(interruption, php.INTERRUPTION)
    (listed,) = [i for i in mine if i["doId"] == interruption_id]
    assert (listed["personId"], listed["code"], listed["einddatum"]) == (person, "1", "2026-11-30")
    assert listed in everyone

    client.delete_interruption_attachment(interruption_id, attachment_id)
    client.delete_interruption(interruption_id)
    assert client.staff_list(f"employees/{person}/interruptions", YEAR).json() == []


# -- the contract report ---------------------------------------------------------------------------
def test_every_call_of_the_client_was_replayed_and_no_contract_check_fails(sandbox, client):
    http, tenant, _ = sandbox
    called = {(method, endpoint.strip("/").split("/", 1)[0]) for method, endpoint in client.calls}
    assert {m for m, _ in called} == {"GET", "POST", "PUT", "DELETE"}
    assert len(client.calls) >= 33
    control = SandboxClient("http://testserver")
    control.http = TestClient(http.app, base_url="http://testserver/__sandbox")
    report = control.verify(tenant)
    assert report.exchanges >= len(client.calls)
    assert report.ok, report.text()
