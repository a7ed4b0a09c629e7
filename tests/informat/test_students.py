"""Informat's student administration API: students, registrations, photos, and the enrolment push."""

import base64
from datetime import date

import pytest
from stdnum.be import nn

from tests.conftest import make_client
from tests.informat.helpers import STUDENTS, action, bearer, error_codes

READ = "api_informat_sas_leerlingen.leerlingen.012345"
PUSH = "api_informat_sas_leerlingen.voorinschrijvingen.012345"


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def auth(client):
    return {**bearer(client, READ, PUSH), "InstituteNo": "012345"}


def test_students_of_an_institute_are_registered_belgian_children(client, auth):
    students = client.get(f"{STUDENTS}/1/students", headers=auth).json()["students"]
    assert 300 < len(students) <= 6 * 3 * 22  # six leerjaren of three classes of 22, a few left
    for student in students[:60]:
        assert nn.is_valid(student["rijksregisternr"])
        assert nn.get_birth_date(student["rijksregisternr"]).isoformat() == student["geboortedatum"]
        assert nn.get_gender(student["rijksregisternr"]) == ("M" if student["geslacht"] == "M" else "F")
        assert 11 <= 2026 - int(student["geboortedatum"][:4]) <= 19  # secondary school ages
        assert student["inschrijvingsId"] is not None
        assert 1 <= len(student["relaties"]) <= 2
        assert all(nn.is_valid(r["insz"]) for r in student["relaties"])
        assert student["adressen"][0]["postcode"].isdigit()
    assert len({s["persoonId"] for s in students}) == len(students)


def test_registrations_carry_their_class_and_administrative_group(client, auth):
    registrations = client.get(f"{STUDENTS}/1/registrations", headers=auth).json()["registrations"]
    assert {r["leerjaar"] for r in registrations} == {1, 2, 3, 4, 5, 6}
    for registration in registrations:
        leerjaar = registration["leerjaar"]
        assert registration["instelnr"] == "012345"
        assert registration["nrAdmgrp"] == f"311{leerjaar:03d}"
        assert registration["graad"] == str((leerjaar + 1) // 2)
        assert registration["begindatum"] == "2026-09-01"
        (klas,) = registration["inschrKlassen"]
        assert klas["klasCode"][0] == str(leerjaar) and klas["klasCode"][1] in "ABC"


def test_a_student_keeps_its_identity_and_moves_up_a_year():
    client = make_client()
    auth = {**bearer(client, READ), "InstituteNo": "012345"}
    this_year = client.get(f"{STUDENTS}/1/registrations", headers=auth).json()["registrations"]
    next_year = client.get(f"{STUDENTS}/1/registrations", params={"schoolYear": "2027"}, headers=auth).json()[
        "registrations"
    ]
    before = {r["persoonId"]: r["leerjaar"] for r in this_year}
    after = {r["persoonId"]: r["leerjaar"] for r in next_year}
    moved = [pid for pid in before if pid in after]
    assert len(moved) > 200
    assert all(after[pid] == before[pid] + 1 for pid in moved)


def test_the_world_is_the_same_in_every_process():
    first, second = make_client(), make_client()
    answers = [
        c.get(f"{STUDENTS}/1/students", headers={**bearer(c, READ), "InstituteNo": "012345"}).json()
        for c in (first, second)
    ]
    assert answers[0] == answers[1]


def test_school_year_is_read_in_either_form(client, auth):
    short = client.get(f"{STUDENTS}/1/registrations", params={"schoolYear": "2025"}, headers=auth).json()
    long = client.get(f"{STUDENTS}/1/registrations", params={"schoolYear": "2025-26"}, headers=auth).json()
    assert short == long
    assert short["registrations"][0]["begindatum"] == "2025-09-01"
    wrong = client.get(f"{STUDENTS}/1/registrations", params={"schoolYear": "2025-27"}, headers=auth)
    assert wrong.status_code == 400
    assert error_codes(wrong) == ["BR034B"]  # "Ongeldig schooljaar." in the public client's list
    assert "2025-26" in wrong.json()["message"]
    for year in ("1890", "25-26"):
        answer = client.get(f"{STUDENTS}/1/registrations", params={"schoolYear": year}, headers=auth)
        assert (answer.status_code, error_codes(answer)) == (400, ["BR034B"])


def test_a_reference_date_outside_the_school_year_is_clamped(client, auth):
    def students(refdate):
        params = {"schoolYear": "2025-26", "refdate": refdate}
        return client.get(f"{STUDENTS}/1/students", params=params, headers=auth).json()["students"]

    assert students("2031-01-01") == students("2026-08-31")
    assert students("2001-01-01") == students("2025-09-01")


def test_changed_since_keeps_only_students_changed_since_then(client, auth):
    everyone = client.get(f"{STUDENTS}/1/students", headers=auth).json()["students"]
    recent = client.get(
        f"{STUDENTS}/1/students", params={"changedSince": "2026-11-01T00:00:00Z"}, headers=auth
    ).json()["students"]
    assert 0 < len(recent) < len(everyone) / 4
    assert {s["persoonId"] for s in recent} <= {s["persoonId"] for s in everyone}
    later = client.get(
        f"{STUDENTS}/1/students", params={"changedSince": "2026-11-18T00:00:00Z"}, headers=auth
    )
    assert later.json() == {"students": []}  # nothing changes after the clock's now


def test_one_student_and_its_photo(client, auth):
    student = client.get(f"{STUDENTS}/1/students", headers=auth).json()["students"][7]
    one = client.get(f"{STUDENTS}/1/students/{student['persoonId']}", headers=auth)
    assert one.json() == {"student": student}
    photo = client.get(f"{STUDENTS}/1/students/{student['persoonId']}/photo", headers=auth).json()["photo"]
    assert photo["persoonId"] == student["persoonId"]
    assert base64.b64decode(photo["foto"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_unknown_student_is_not_found(client, auth):
    answer = client.get(f"{STUDENTS}/1/students/3f2504e0-4f89-11d3-9a0c-0305e82c3301", headers=auth)
    assert answer.status_code == 404
    assert error_codes(answer) == ["DNF002"]
    malformed = client.get(f"{STUDENTS}/1/students/not-a-guid", headers=auth)
    assert malformed.status_code == 400


def test_institute_number_must_have_six_digits(client, auth):
    answer = client.get(f"{STUDENTS}/1/students", headers={**auth, "InstituteNo": "0012345"})
    assert answer.status_code == 400
    assert error_codes(answer) == ["BR035B"]
    assert answer.json()["errors"][0]["message"].startswith("Instellingsnummer moet 6 karakters lang zijn.")


def test_a_token_opens_only_the_institutes_of_its_scopes(client, auth):
    other = client.get(f"{STUDENTS}/1/students", headers={**auth, "InstituteNo": "023456"})
    assert other.status_code == 403
    assert error_codes(other) == ["AUT003"]
    assert "api_informat_sas_leerlingen.leerlingen.023456" in other.json()["message"]
    missing = client.get(f"{STUDENTS}/1/students", headers={"InstituteNo": "012345"})
    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_codes(missing) == ["AUT001"]


# -- preregistrations --------------------------------------------------------------------------------
def enrolment(**changes) -> dict:
    body = {
        "preRegistrationId": "web-2027-0001",
        "lastName": "Janssens",
        "firstName": "Mila",
        "dateOfBirth": "2015-03-14",
        "sex": 2,
        "insz": "15031412415",
        "nationalityCode": "00150",
        "countryOfBirthCode": "00150",
        "email": "ouders.janssens@example.be",
        "schoolyear": "2027-28",
        "institute": "012345",
        "structure": "311",
        "locationId": "001",
        "admgrpId": "311001",
        "preRegistrationDate": "2026-11-17",
        "startDate": "2027-09-01",
        "registrationStatus": 0,
        "Relationships": [{"type": 14, "lastName": "Peeters", "firstName": "Sara"}],
    }
    body.update(changes)
    return body


def test_the_sample_enrolment_has_a_valid_national_number():
    assert nn.is_valid(enrolment()["insz"])
    assert nn.get_birth_date(enrolment()["insz"]) == date(2015, 3, 14)


def test_a_pushed_enrolment_is_open_until_the_school_accepts_it(client, auth):
    saved = client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=auth)
    assert saved.status_code == 200
    assert saved.json() == {"preRegistrationStatus": {"preRegistrationId": "web-2027-0001", "status": "open"}}
    status = client.get(f"{STUDENTS}/1/preregistrations/web-2027-0001/status", headers=auth)
    assert status.json()["preRegistrationStatus"]["status"] == "open"
    next_year = {"schoolYear": "2027-28"}
    before = client.get(f"{STUDENTS}/1/registrations", params=next_year, headers=auth).json()["registrations"]
    assert all(r["preRegistrationId"] is None for r in before)

    decided = action(
        client,
        "informat-students",
        "decide-preregistration",
        {"institute": "012345", "preRegistrationId": "web-2027-0001", "status": "geaccepteerd"},
    )
    assert decided == {"preRegistrationId": "web-2027-0001", "status": "geaccepteerd"}
    status = client.get(f"{STUDENTS}/1/preregistrations/web-2027-0001/status", headers=auth)
    assert status.json()["preRegistrationStatus"]["status"] == "geaccepteerd"

    after = client.get(f"{STUDENTS}/1/registrations", params=next_year, headers=auth).json()["registrations"]
    (pushed,) = [r for r in after if r["preRegistrationId"] == "web-2027-0001"]
    assert pushed["begindatum"] == "2027-09-01" and pushed["leerjaar"] == 1 and pushed["nrAdmgrp"] == "311001"
    students = client.get(
        f"{STUDENTS}/1/students", params={"schoolYear": "2027-28", "refdate": "2027-09-02"}, headers=auth
    ).json()["students"]
    (student,) = [s for s in students if s["persoonId"] == pushed["persoonId"]]
    assert (student["naam"], student["voornaam"], student["rijksregisternr"]) == (
        "Janssens",
        "Mila",
        "15031412415",
    )
    assert student["relaties"][0]["naam"] == "Peeters"
    one = client.get(f"{STUDENTS}/1/students/{pushed['persoonId']}", headers=auth)
    assert one.json() == {"student": student}

    changed = client.post(
        f"{STUDENTS}/1/preregistrations/save", json=enrolment(firstName="Mia"), headers=auth
    )
    assert changed.status_code == 405
    assert error_codes(changed) == ["MNA001"]
    deleted = client.delete(f"{STUDENTS}/1/preregistrations/web-2027-0001", headers=auth)
    assert deleted.status_code == 405
    assert error_codes(deleted) == ["MNA003"]


def test_a_refused_enrolment_can_no_longer_be_changed_or_deleted(client, auth):
    client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=auth)
    action(
        client,
        "informat-students",
        "decide-preregistration",
        {"institute": "012345", "preRegistrationId": "web-2027-0001", "status": "geweigerd"},
    )
    changed = client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=auth)
    assert (changed.status_code, error_codes(changed)) == (405, ["MNA002"])
    deleted = client.delete(f"{STUDENTS}/1/preregistrations/web-2027-0001", headers=auth)
    assert (deleted.status_code, error_codes(deleted)) == (405, ["MNA004"])
    registrations = client.get(
        f"{STUDENTS}/1/registrations", params={"schoolYear": "2027-28"}, headers=auth
    ).json()["registrations"]
    assert all(r["preRegistrationId"] is None for r in registrations)


def test_an_open_enrolment_can_be_changed_and_withdrawn(client, auth):
    client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=auth)
    again = client.post(
        f"{STUDENTS}/1/preregistrations/save", json=enrolment(remark="tweeling"), headers=auth
    )
    assert again.json()["preRegistrationStatus"]["status"] == "open"
    deleted = client.delete(f"{STUDENTS}/1/preregistrations/web-2027-0001", headers=auth)
    assert deleted.json() == {"preRegistrationId": "web-2027-0001", "deleted": True}
    gone = client.get(f"{STUDENTS}/1/preregistrations/web-2027-0001/status", headers=auth)
    assert gone.status_code == 404
    assert error_codes(gone) == ["DNF001"]
    assert gone.json()["errors"][0]["message"] == "Geen inschrijving gevonden voor ID web-2027-0001."


@pytest.mark.parametrize(
    ("changes", "codes", "field"),
    [
        ({"lastName": ""}, ["BR001A"], "lastName"),
        ({"insz": "15031412416"}, ["BR010A"], "insz"),  # check digits do not add up
        ({"insz": "15031512482"}, ["BR010A"], "rijksregisternummer"),  # another birth date
        ({"sex": 1}, ["BR010A"], "geslacht"),
        ({"startDate": "2028-09-01"}, ["BR041B"], "buiten het schooljaar"),
        ({"preRegistrationDate": "2027-09-02"}, ["BR040B"], "voor de startdatum"),
        ({"institute": "023456"}, ["BR035C"], "InstituteNo"),
        ({"admgrpId": "311009"}, ["BR038C"], "311001"),
        ({"structure": "211"}, ["BR036D"], "211"),
        ({"schoolyear": "2024-25"}, ["BR034C", "BR041B"], "2026-27"),
        ({"schoolyear": "2027-29"}, ["BR034B"], "na 2027 volgt 2027-28"),
        ({"countryOfBirthCode": "BE"}, ["BR005B"], "countryOfBirthCode"),
        (
            {"Relationships": [{"type": 14, "lastName": "A", "firstName": "B"}] * 3},
            ["BR020A"],
            "",
        ),
    ],
)
def test_an_invalid_enrolment_is_refused_and_not_stored(client, auth, changes, codes, field):
    answer = client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(**changes), headers=auth)
    assert answer.status_code == 400
    assert error_codes(answer) == codes
    assert field in answer.json()["message"]
    status = client.get(f"{STUDENTS}/1/preregistrations/web-2027-0001/status", headers=auth)
    assert status.status_code == 404


def test_pushing_needs_the_preregistration_scope(client):
    read_only = {**bearer(client, READ), "InstituteNo": "012345"}
    answer = client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=read_only)
    assert answer.status_code == 403
    assert PUSH in answer.json()["message"]


def test_deciding_an_unknown_or_decided_enrolment_is_refused(client, auth):
    body = {"institute": "012345", "preRegistrationId": "nope", "status": "geaccepteerd"}
    unknown = client.post(
        "/__sandbox/tenants/demo/apis/informat-students/actions/decide-preregistration", json=body
    )
    assert unknown.status_code == 404
    client.post(f"{STUDENTS}/1/preregistrations/save", json=enrolment(), headers=auth)
    body["preRegistrationId"] = "web-2027-0001"
    url = "/__sandbox/tenants/demo/apis/informat-students/actions/decide-preregistration"
    assert client.post(url, json=body).status_code == 200
    twice = client.post(url, json=body)
    assert twice.status_code == 409
    assert "already geaccepteerd" in twice.json()["detail"]
    invalid = client.post(url, json={**body, "status": "misschien"})
    assert invalid.status_code == 400
    assert invalid.json()["violations"][0]["field"] == "status"


def test_query_names_are_read_whatever_their_case_as_aspnet_does(client, auth):
    lower = client.get(f"{STUDENTS}/1/registrations", params={"schoolyear": "2025-26"}, headers=auth)
    upper = client.get(f"{STUDENTS}/1/registrations", params={"SCHOOLYEAR": "2025"}, headers=auth)
    assert lower.status_code == upper.status_code == 200
    assert lower.json() == upper.json()
    assert lower.json()["registrations"][0]["begindatum"] == "2025-09-01"
    # an unknown name is not a misspelt one: ASP.NET binds nothing from it and answers the default
    unknown = client.get(f"{STUDENTS}/1/registrations", params={"schooljaar": "2025"}, headers=auth)
    default = client.get(f"{STUDENTS}/1/registrations", headers=auth)
    assert unknown.status_code == 200 and unknown.json() == default.json()
    journal = client.get("/__sandbox/journal", params={"tenant": "demo", "api": "informat-students"})
    assert journal.json()["entries"][-2]["ignoredQuery"] == ["schooljaar"]


# -- the body of the public PHP client ---------------------------------------------------------------
def client_enrolment(**changes) -> dict:
    """`enrolment()` as the public client sends it: every optional it knows, unset ones as null."""
    nulls = dict.fromkeys(
        (
            "additionalNames", "placeOfBirthCode", "placeOfBirth", "eIdNo", "eIdPhoto", "mobilePhone",
            "nameOfDoctor", "phoneOfDoctor", "firstLanguage", "religion", "priorityGroup",
            "reasonForRefusal", "admgrpDetail", "remark",
        )
    )  # fmt: skip
    flags = {"isHomeless": False, "migrating": False, "isIndicatorPupil": False}
    return enrolment(
        **{
            **nulls,
            **flags,
            "preRegistrationDate": "2026-11-16T18:45",
            "assignedViaRegistrationSystem": False,
            **changes,
        }
    )


def test_the_clients_body_with_nulls_a_time_and_an_integer_religion_is_saved(client, auth):
    father = dict.fromkeys(("Address", "phone", "mobilePhone", "email", "insz"))
    body = client_enrolment(
        religion=187, Relationships=[{"type": 13, "lastName": "Janssens", "firstName": "Tom", **father}]
    )
    saved = client.post(f"{STUDENTS}/1/preregistrations/save", json=body, headers=auth)
    assert saved.status_code == 200, saved.text
    action(
        client,
        "informat-students",
        "decide-preregistration",
        {"institute": "012345", "preRegistrationId": "web-2027-0001", "status": "geaccepteerd"},
    )
    registrations = client.get(
        f"{STUDENTS}/1/registrations", params={"schoolYear": "2027-28"}, headers=auth
    ).json()["registrations"]
    (pushed,) = [r for r in registrations if r["preRegistrationId"] == "web-2027-0001"]
    assert pushed["levensbeschouwingCode"] == "0187"


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({"lastName": None}, ["BR001B"]),
        ({"countryOfBirthCode": None}, ["BR005B"]),
        ({"preRegistrationDate": None}, ["BR040A"]),
        ({"preRegistrationDate": "16/11/2026"}, ["BR040A"]),
        ({"religion": 141}, ["BR017"]),
        ({"religion": "0140"}, ["BR017", "BR017"]),  # neither an integer nor a code
        ({"priorityGroup": 7}, ["BR018"]),
        ({"email": "geen-adres"}, ["BR013"]),
        ({"nameOfDoctor": "x" * 101}, ["BR014"]),
        ({"Relationships": [{"type": 3, "lastName": "A", "firstName": "B"}]}, ["BR021"]),
        ({"Relationships": [{"type": 14, "lastName": "A", "firstName": "B" * 31}]}, ["BR023B"]),
        (
            {"Relationships": [{"type": 14, "lastName": "A", "firstName": "B", "insz": "85071500225"}]},
            ["BR043A"],
        ),
        (
            {
                "Relationships": [
                    {"type": 14, "lastName": "A", "firstName": "B", "Address": {"streetName": "K"}}
                ]
            },
            ["BR028A", "BR029A", "BR025A", "BR027A"],
        ),
    ],
)
def test_what_is_really_wrong_in_the_clients_body_is_refused(client, auth, changes, codes):
    answer = client.post(
        f"{STUDENTS}/1/preregistrations/save", json=client_enrolment(**changes), headers=auth
    )
    assert answer.status_code == 400
    assert error_codes(answer) == codes


@pytest.mark.parametrize(
    ("field", "code", "message"),
    [
        ("lastName", "BR001A", "De achternaam is verplicht."),
        ("countryOfBirthCode", "BR005A", "Code geboorteland is verplicht."),
        ("nationalityCode", "BR008A", "Code nationaliteit is verplicht."),
        ("schoolyear", "BR034A", "Schooljaar is verplicht."),
        ("institute", "BR035A", "Instellingsnummer is verplicht."),
        ("admgrpId", "BR038A", "Administratieve groep is verplicht."),
        ("preRegistrationDate", "BR040A", "Datum voorinschrijving is verplicht"),
    ],
)
def test_a_missing_required_field_is_refused_with_its_code(client, auth, field, code, message):
    body = client_enrolment()
    del body[field]
    answer = client.post(f"{STUDENTS}/1/preregistrations/save", json=body, headers=auth)
    assert answer.status_code == 400
    assert error_codes(answer) == [code]
    assert answer.json()["errors"][0]["message"].startswith(message)


def test_a_preregistration_for_an_unknown_institute_is_refused(client):
    created = client.post(
        "/__sandbox/tenants/demo/clients",
        json={"scopes": ["api_informat_sas_leerlingen.voorinschrijvingen.999999"]},
    ).json()
    unknown = {
        **bearer(client, client_id=created["clientId"], secret=created["clientSecret"]),
        "InstituteNo": "999999",
    }
    answer = client.post(
        f"{STUDENTS}/1/preregistrations/save", json=client_enrolment(institute="999999"), headers=unknown
    )
    assert (answer.status_code, error_codes(answer)) == (404, ["DNF010"])


def test_an_empty_timestamp_is_taken_as_absent_and_reported(client, auth):
    with_time = client.get(
        f"{STUDENTS}/1/registrations", headers={**auth, "Timestamp": "2026-11-17T10:00:00"}
    )
    empty = client.get(f"{STUDENTS}/1/registrations", headers={**auth, "Timestamp": ""})
    assert empty.status_code == 200 and empty.content == with_time.content
    entries = client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
    assert [e.get("notes") for e in entries if e["api"] == "informat-students"] == [
        None,
        {"emptyHeaders": ["Timestamp"]},
    ]
    report = client.get("/__sandbox/tenants/demo/contracts").json()
    found = next(c for c in report["checks"] if c["name"] == "no_empty_optional_headers")
    assert found["findings"][0]["message"] == (
        "1 listRegistrations request(s) to informat-students sent header 'Timestamp' empty; it was taken "
        "as absent"
    )
