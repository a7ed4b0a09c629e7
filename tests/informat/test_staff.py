"""Informat's staff API: employees and what belongs to them, per institute and school year."""

import base64
import hashlib
import io
import os
import subprocess
import sys
import uuid
from datetime import date

import pytest
from pypdf import PdfReader
from stdnum import iban
from stdnum.be import nn

from tests.conftest import ROOT, make_client

BASE = "/informat/personeel"
SECONDARY, PRIMARY, OTHER_SECONDARY = "012345", "023456", "034567"
TODAY = date(2026, 11, 17)  # the frozen clock of make_client, in Brussels
POSTS = {SECONDARY: 40, PRIMARY: 18, OTHER_SECONDARY: 30}


def scope(institute: str) -> str:
    return f"api_informat_sas_personeel.personeel.{institute}"


def token(client, *institutes: str, client_id: str = "demo-client", secret: str = "demo-secret") -> str:
    """An access token of a client (the demo client by default) with the staff scope of each institute."""
    answer = client.post(
        "/oauth2/connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": " ".join(scope(number) for number in institutes),
        },
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def headers(access_token: str, institute: str = SECONDARY, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}", "InstituteNo": institute, "Api-Version": "2", **extra}


@pytest.fixture(scope="module")
def client():
    return make_client()


@pytest.fixture(scope="module")
def auth(client) -> dict[str, str]:
    return headers(token(client, SECONDARY))


def get(client, path: str, request_headers: dict[str, str], **params):
    return client.get(BASE + path, headers=request_headers, params=params)


def ok(client, path: str, request_headers: dict[str, str], **params):
    answer = get(client, path, request_headers, **params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def error_code(answer) -> str:
    body = answer.json()
    assert set(body) == {"message", "errors"}
    assert body["errors"][0]["Code"] == body["errors"][0]["code"]
    return body["errors"][0]["code"]


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# -- employees -------------------------------------------------------------------------------------
def test_employees_of_the_current_school_year_are_coherent(client, auth):
    employees = ok(client, "/employees", auth)
    active = [e for e in employees if e["isActive"]]
    assert len(active) >= POSTS[SECONDARY]  # every post is held, and substitutes teach
    assert 1 <= len(employees) - len(active) <= 10  # a few left during the year (substitutes)
    assert len({e["personId"] for e in employees}) == len(employees)
    for e in employees:
        born = date.fromisoformat(e["geboortedatum"])
        assert nn.is_valid(e["rijksregisternr"])
        assert nn.get_birth_date(e["rijksregisternr"]) == born
        assert nn.get_gender(e["rijksregisternr"]) == ("M" if e["geslacht"] == "M" else "F")
        assert iban.is_valid(e["bank"]["iban"]) and e["bank"]["iban"].startswith("BE")
        assert len(e["bank"]["bic"]) in (8, 11)
        assert len(e["stamnr"]) == 11 and e["stamnr"].isdigit()
        first_service = date.fromisoformat(e["eersteDienstSchool"])
        assert first_service <= TODAY
        for earlier in (e["eersteDienstScholengroep"], e["eersteDienstScholengemeenschap"]):
            if earlier:
                assert age_on(born, day(earlier)) >= 21 and day(earlier) <= first_service
        assert age_on(born, first_service) >= 22
        if e["isActive"]:
            assert 22 <= age_on(born, TODAY) <= 64
            assert date.fromisoformat(e["pensioendatum"]) > TODAY
        assert e["sortName"] == f"{e['naam']} {e['voornaam']}"
        assert all(date.fromisoformat(child["geboortedatum"]) <= TODAY for child in e["kinderen"])
        assert {a["type"] for a in e["emailadressen"]} == {"Privé", "Werk"}
        assert e["adressen"][0]["isDomicilie"]


def test_a_secondary_school_has_a_director_and_teachers(client, auth):
    employees = ok(client, "/employees", auth)
    functions = [e["hoofdAmbt"]["naam"] for e in employees if e["isActive"]]
    assert functions.count("Directeur") == 1
    assert functions.count("Leraar secundair onderwijs") > len(functions) / 2
    assert not {"Onderwijzer", "Kleuteronderwijzer"} & set(functions)


def test_a_primary_school_has_infant_and_primary_teachers(client):
    employees = ok(client, "/employees", headers(token(client, PRIMARY), PRIMARY))
    functions = {e["hoofdAmbt"]["naam"] for e in employees}
    assert {"Directeur", "Onderwijzer", "Kleuteronderwijzer"} <= functions
    assert "Leraar secundair onderwijs" not in functions
    assert len(employees) >= POSTS[PRIMARY]


def test_the_school_year_filter_gives_that_years_staff(client, auth):
    now = {e["personId"]: e for e in ok(client, "/employees", auth)}
    then = {e["personId"]: e for e in ok(client, "/employees", auth, schoolYear="2016")}
    assert ok(client, "/employees", auth, schoolYear="2016-17") == list(then.values())
    first, last = date(2016, 9, 1), date(2017, 8, 31)
    for e in then.values():
        started = date.fromisoformat(e["eersteDienstSchool"])
        assert started <= last
        assert 22 <= age_on(date.fromisoformat(e["geboortedatum"]), max(first, started)) <= 64
    stayed = now.keys() & then.keys()
    assert stayed and len(stayed) < len(then)  # some stayed; others retired or left since
    assert all(now[p] == then[p] for p in stayed)  # the same person, the same data
    assert not any(then[p]["isActive"] for p in then.keys() - now.keys())
    assert all(date.fromisoformat(now[p]["eersteDienstSchool"]) > first for p in now.keys() - then.keys())


def test_a_future_school_year_lists_who_works_at_the_school_today(client, auth):
    future = ok(client, "/employees", auth, schoolYear="2027-28")
    assert future and all(e["isActive"] for e in future)
    assert {e["personId"] for e in future} == {
        e["personId"] for e in ok(client, "/employees", auth) if e["isActive"]
    }


def test_one_employee_is_the_one_in_the_list(client, auth):
    listed = ok(client, "/employees", auth)[3]
    assert ok(client, f"/employees/{listed['personId']}", auth) == listed
    assert ok(client, f"/employees/{listed['personId']}", auth, schoolYear="2026", structure="311") == listed


def test_an_employee_of_a_past_year_is_still_found(client, auth):
    retired = next(e for e in ok(client, "/employees", auth, schoolYear="2000") if not e["isActive"])
    assert ok(client, f"/employees/{retired['personId']}", auth) == retired


def test_an_unknown_employee_is_not_found(client, auth):
    answer = get(client, f"/employees/{uuid.uuid4()}", auth)
    assert answer.status_code == 404
    assert error_code(answer) == "DNF020"


def test_an_employee_of_another_institute_is_not_found(client):
    both = token(client, SECONDARY, OTHER_SECONDARY)
    person = ok(client, "/employees", headers(both, SECONDARY))[0]["personId"]
    answer = get(client, f"/employees/{person}", headers(both, OTHER_SECONDARY))
    assert answer.status_code == 404
    assert error_code(answer) == "DNF020"


# -- assignments, diplomas, photos, own fields -------------------------------------------------------
def test_assignments_lie_within_the_school_year_and_the_service(client, auth):
    employees = {e["personId"]: e for e in ok(client, "/employees", auth)}
    assignments = ok(client, "/employees/assignments", auth)
    main = [a for a in assignments if a["isHoofdambt"]]
    assert sorted(a["personId"] for a in main) == sorted(employees)  # one main assignment each
    for a in assignments:
        e = employees[a["personId"]]
        begins, ends = date.fromisoformat(a["begindatum"]), date.fromisoformat(a["einddatum"])
        assert date(2026, 9, 1) <= begins <= ends <= date(2027, 8, 31)
        assert begins >= date.fromisoformat(e["eersteDienstSchool"])
        assert a["schooljaar"] == "2026-27" and a["instelnr"] == SECONDARY
        assert 1 <= a["opdrachtTeller"] <= a["opdrachtNoemer"] or not a["isHoofdambt"]
        if a["isHoofdambt"]:
            assert (a["ambtCode"], a["ambt"]) == (e["hoofdAmbt"]["code"], e["hoofdAmbt"]["naam"])
        if not e["isActive"]:
            assert ends < TODAY
    assert {"Tijdelijk", "Vastbenoemd"} <= {a["statuut"] for a in assignments}


def test_diplomas_were_issued_before_the_first_day_in_education(client, auth):
    employees = {e["personId"]: e for e in ok(client, "/employees", auth)}
    diplomas = ok(client, "/employees/diplomas", auth)
    assert {d["personId"] for d in diplomas} == employees.keys()
    for person, e in employees.items():
        own = [d for d in diplomas if d["personId"] == person]
        assert sum(d["isHoofddiploma"] for d in own) == 1
        first_service = min(day(e[k]) for k in ("eersteDienstSchool", "eersteDienstScholengroep") if e[k])
        assert all(date.fromisoformat(d["uitgereiktOp"]) < first_service for d in own)
    person = next(iter(employees))
    own = [d for d in diplomas if d["personId"] == person]
    assert ok(client, f"/employees/{person}/diplomas", auth) == own
    assert any(d["isBekwaamheidsbewijs"] for d in diplomas)


def test_photos_are_png_images(client, auth):
    employees = {e["personId"] for e in ok(client, "/employees", auth)}
    photos = ok(client, "/employees/photos", auth)
    assert {p["personId"] for p in photos} < employees  # most have a photo, not all
    assert len(photos) > len(employees) * 0.7
    assert base64.b64decode(photos[0]["photo"]).startswith(b"\x89PNG")
    assert ok(client, f"/employees/{photos[0]['personId']}/photos", auth) == photos[0]
    without = next(iter(employees - {p["personId"] for p in photos}))
    answer = get(client, f"/employees/{without}/photos", auth)
    assert answer.status_code == 404
    assert error_code(answer) == "DNF021"


def test_own_fields_are_the_same_fields_for_every_employee(client, auth):
    employees = ok(client, "/employees", auth)
    fields = ok(client, "/employees/OwnFields", auth)
    assert len(fields) == 5 * len(employees)
    ids_by_name: dict[str, set[str]] = {}
    for f in fields:
        ids_by_name.setdefault(f["naam"], set()).add(f["vvId"])
    assert all(len(ids) == 1 for ids in ids_by_name.values())
    assert {f["dataType"] for f in fields} == {"Tekst", "Getal", "Datum", "JaNee"}


# -- documents ---------------------------------------------------------------------------------------
def test_documents_made_so_far_with_their_signing_and_edison_status(client, auth):
    documents = ok(client, "/employees/documents", auth)
    assert documents
    for d in documents:
        assert d["aangemaaktOp"] <= "2026-11-17T09:00:00Z"
        if d["verstuurdNaarEdisonOp"]:
            assert d["tekenStatus"] == "Ondertekend" and d["zendingnr"] and d["referentie"]
            assert d["edisonStatusGewijzigdOp"] >= d["verstuurdNaarEdisonOp"]
        else:
            assert d["zendingnr"] is None and d["edisonStatusGewijzigdOp"] is None
        assert ("rl1Ingangsdatum" in d) == (d["rlType"] == "RL1")
    only_rl1 = ok(client, "/employees/documents", auth, rlType="RL1")
    assert only_rl1 == [d for d in documents if d["rlType"] == "RL1"]
    since = ok(client, "/employees/documents", auth, referencedate="2026-10-01")
    expected = [d for d in documents if (d["edisonStatusGewijzigdOp"] or "0") >= "2026-10-01"]
    assert since == expected and 0 < len(since) < len(documents)


def test_a_document_is_a_real_pdf(client, auth):
    d = ok(client, "/employees/documents", auth)[0]
    employee = ok(client, f"/employees/{d['personId']}", auth)
    answer = get(client, f"/employees/{d['personId']}/documents/{d['documentId']}/pdf", auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    assert str(d["documentId"]) in text and employee["stamnr"] in text and d["rlType"] in text


def test_an_unknown_document_is_not_found(client, auth):
    d = ok(client, "/employees/documents", auth)[0]
    other = ok(client, "/employees", auth)[-1]["personId"]
    for person, document_id in ((d["personId"], d["documentId"] + 7), (other, d["documentId"])):
        answer = get(client, f"/employees/{person}/documents/{document_id}/pdf", auth)
        assert answer.status_code == 404
        assert error_code(answer) in ("DNF022", "DNF020")


# -- refusals ----------------------------------------------------------------------------------------
def test_the_employee_list_requires_api_version_2(client, auth):
    without = {k: v for k, v in auth.items() if k != "Api-Version"}
    for request_headers in (without, {**auth, "Api-Version": "1"}):
        answer = get(client, "/employees", request_headers)
        assert answer.status_code == 400
        assert error_code(answer) == "BR037A"


def test_other_operations_take_no_version_or_version_2(client, auth):
    without = {k: v for k, v in auth.items() if k != "Api-Version"}
    assert get(client, "/employees/diplomas", without).status_code == 200
    answer = get(client, "/employees/diplomas", {**auth, "Api-Version": "3"})
    assert answer.status_code == 400
    assert error_code(answer) == "BR037A"


def test_an_empty_api_version_is_a_wrong_version_but_an_empty_timestamp_is_none(client, auth):
    """The version selects what the API answers, so an empty one stays refused; `Timestamp` is read
    by no operation, so an empty one is taken as absent and reported (x-sandbox: {empty: absent})."""
    answer = get(client, "/employees/diplomas", {**auth, "Api-Version": ""})
    assert answer.status_code == 400
    assert error_code(answer) == "BR037A"
    answer = get(client, "/employees/diplomas", {**auth, "Timestamp": ""})
    assert answer.content == get(client, "/employees/diplomas", auth).content
    entries = client.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"]
    assert [e.get("notes") for e in entries if e["api"] == "informat-staff"][-3:] == [
        None,
        {"emptyHeaders": ["Timestamp"]},
        None,
    ]


def test_an_institute_number_of_seven_digits_is_refused(client, auth):
    answer = get(client, "/employees", {**auth, "InstituteNo": "1234567"})
    assert answer.status_code == 400
    assert error_code(answer) == "BR035B"


def test_a_token_for_one_institute_does_not_open_another(client, auth):
    answer = get(client, "/employees", {**auth, "InstituteNo": PRIMARY})
    assert answer.status_code == 403
    assert error_code(answer) == "AUT003"


def test_no_token_no_staff(client, auth):
    answer = get(client, "/employees", {k: v for k, v in auth.items() if k != "Authorization"})
    assert answer.status_code == 401
    assert error_code(answer) == "AUT001"


def test_an_unknown_institute_is_not_found(client):
    """A client whose intake form named an institute that Informat does not know."""
    created = client.post("/__sandbox/tenants/demo/clients", json={"scopes": [scope("999999")]})
    assert created.status_code == 201, created.text
    credentials = created.json()
    access = token(client, "999999", client_id=credentials["clientId"], secret=credentials["clientSecret"])
    answer = get(client, "/employees", headers(access, "999999"))
    assert answer.status_code == 404
    assert error_code(answer) == "DNF010"


@pytest.mark.parametrize(
    ("institute", "structure", "code"),
    [
        (SECONDARY, "31", "BR005B"),
        (SECONDARY, "211", "BR013"),
        (SECONDARY, "312", "BR013"),  # Sint-Jozefscollege teaches 311 only
        (PRIMARY, "311", "BR013"),
    ],
)
def test_a_structure_other_than_the_institutes_311_or_312_is_refused(client, institute, structure, code):
    answer = get(client, "/employees", headers(token(client, institute), institute), structure=structure)
    assert answer.status_code == 400
    assert error_code(answer) == code


@pytest.mark.parametrize("year", ["2016-18", "201", "next", "1890"])
def test_a_malformed_school_year_is_refused_with_the_staff_directorys_code(client, auth, year):
    answer = get(client, "/employees", auth, schoolYear=year)
    assert answer.status_code == 400
    assert error_code(answer) == "BR004B"  # "Ongeldig schooljaar formaat." in the public client's list


def test_a_malformed_person_id_is_refused(client, auth):
    assert get(client, "/employees/not-a-guid", auth).status_code == 400
    assert get(client, "/employees/not-a-guid/documents/12/pdf", auth).status_code == 400


# -- determinism -------------------------------------------------------------------------------------
STAFF_DIGEST = """
import hashlib
from tests.conftest import ROOT, make_client
from tests.informat.test_staff import SECONDARY, headers, token
client = make_client()
auth = headers(token(client, SECONDARY))
for path in ("/employees", "/employees/documents"):
    print(hashlib.sha256(client.get("/informat/personeel" + path, headers=auth).content).hexdigest())
"""


def test_the_same_seed_gives_the_same_staff_in_another_process(client, auth):
    here = [
        hashlib.sha256(get(client, path, auth).content).hexdigest()
        for path in ("/employees", "/employees/documents")
    ]
    other = subprocess.run(
        [sys.executable, "-c", STAFF_DIGEST],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "12345"},  # set-ordering differs; the staff must not
    )
    assert other.stdout.split() == here
