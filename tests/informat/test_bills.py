"""Informat Rekeningen (school bills): access groups per school year, asynchronous PDFs kept one
year, and payments that need an active user and an "Extern" journal."""

import io

import pytest
from pypdf import PdfReader

from tests.conftest import make_client
from tests.informat.helpers import BILLS, action, advance, bearer, error_codes

SJC = "api_informat_rekeningen.SJC-Secundair"
ALL_GROUPS = [
    f"api_informat_rekeningen.{g}" for g in ("SJC-Secundair", "SJC-Internaat", "DR-Lager", "KA-Oud")
]


@pytest.fixture
def client():
    return make_client()


@pytest.fixture
def auth(client):
    return bearer(client, *ALL_GROUPS)


def bills(client, auth, group="SJC-Secundair", **params) -> list[dict]:
    answer = client.get(f"{BILLS}/1/bills", params={"accessGroup": group, **params}, headers=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()["bills"]


def open_bill(client, auth, group="SJC-Secundair") -> dict:
    return next(b for b in bills(client, auth, group)[1:] if b["status"] == "open")


def pay(client, auth, bill, **changes):
    body = {"amount": 5.0, "date": "2026-11-16", "reference": "OGM-001", "journal": "Extern", **changes}
    return client.post(f"{BILLS}/1/bills/{bill['billId']}/payments", json=body, headers=auth)


def test_a_vendor_client_walks_the_whole_school_bill_flow():
    """Token, bills, PDF asked and polled with a growing interval, downloaded, payment registered."""
    client = make_client()
    auth = bearer(client, SJC)
    groups = client.get(f"{BILLS}/1/accessgroups", headers=auth).json()
    assert groups["schoolYear"] == "2026-27"
    (group,) = groups["accessGroups"]
    assert group["name"] == "SJC-Secundair" and group["activeForSchoolYear"] and group["paymentsPossible"]
    assert group["activeUser"] == "an.peeters"

    listed = bills(client, auth)
    assert len(listed) == 10  # bills of 2026-27 made before 17 November
    bill = next(b for b in listed[1:] if b["status"] == "open")
    assert (
        bill["openAmount"] == bill["totalAmount"] == round(sum(line["amount"] for line in bill["lines"]), 2)
    )

    asked = client.post(f"{BILLS}/1/bills/{bill['billId']}/pdf", headers=auth)
    assert asked.status_code == 202
    assert asked.json()["status"] == "pending"
    job_url = asked.headers["Location"].removeprefix("http://testserver")
    assert job_url.startswith(f"{BILLS}/1/pdf-jobs/")
    assert asked.headers["Retry-After"] == "3"

    waits, interval = [], 1
    while True:
        advance(client, interval)  # the client sleeps `interval` seconds of sandbox time
        polled = client.get(job_url, headers=auth)
        if polled.status_code == 200:
            break
        assert polled.status_code == 202 and polled.json()["status"] == "pending"
        waits.append(int(polled.headers["Retry-After"]))
        interval *= 2
    assert waits == [2]  # after 1 s, 2 s remain; after 1 + 2 s it is ready
    ready = polled.json()
    assert ready["status"] == "ready"
    assert ready["readyAt"] == "2026-11-17T09:00:03+00:00"
    assert ready["expiresAt"] == "2027-11-17T09:00:03+00:00"

    download = client.get(ready["pdfUrl"].removeprefix("http://testserver"), headers=auth)
    assert download.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(download.content)).pages[0].extract_text()
    assert bill["billNumber"] in text
    assert bill["student"]["naam"] in text
    assert all(line["description"] in text for line in bill["lines"])

    paid = pay(client, auth, bill, amount=4.25)
    assert paid.status_code == 200
    body = paid.json()
    assert body["payment"]["registeredBy"] == "an.peeters"  # the first active user of the group
    assert body["bill"]["openAmount"] == round(bill["totalAmount"] - 4.25, 2)
    assert body["bill"]["status"] == "partiallyPaid"
    again = client.get(f"{BILLS}/1/bills/{bill['billId']}", headers=auth).json()
    assert again == body["bill"]


def test_polling_too_early_gets_not_ready_and_downloading_too_early_a_conflict(client, auth):
    bill = open_bill(client, auth)
    job_url = client.post(f"{BILLS}/1/bills/{bill['billId']}/pdf", headers=auth).headers["Location"]
    job_url = job_url.removeprefix("http://testserver")
    early = client.get(job_url, headers=auth)
    assert (early.status_code, early.headers["Retry-After"]) == (202, "3")
    assert "pdfUrl" not in early.json()
    too_soon = client.get(job_url + "/pdf", headers=auth)
    assert too_soon.status_code == 409
    assert error_codes(too_soon) == ["BR091A"]
    assert too_soon.headers["Retry-After"] == "3"


def test_the_slow_bill_takes_two_minutes(client, auth):
    slow = bills(client, auth)[0]  # the first bill of SJC-Secundair
    asked = client.post(f"{BILLS}/1/bills/{slow['billId']}/pdf", headers=auth)
    assert asked.headers["Retry-After"] == "120"


def test_pdf_time_is_set_per_tenant_and_slowed_by_faults(client, auth):
    bill = open_bill(client, auth)
    action(client, "informat-bills", "set-pdf-delay", {"seconds": 10})
    assert client.post(f"{BILLS}/1/bills/{bill['billId']}/pdf", headers=auth).headers["Retry-After"] == "10"
    fault = {"kind": "slow_job", "api": "informat-bills", "operationId": "requestBillPdf", "factor": 6}
    assert client.post("/__sandbox/tenants/demo/faults", json=fault).status_code == 201
    assert client.post(f"{BILLS}/1/bills/{bill['billId']}/pdf", headers=auth).headers["Retry-After"] == "60"


def test_a_pdf_is_gone_after_one_year(client, auth):
    bill = open_bill(client, auth)
    job_url = client.post(f"{BILLS}/1/bills/{bill['billId']}/pdf", headers=auth).headers["Location"]
    job_url = job_url.removeprefix("http://testserver")
    advance(client, 365 * 86400)
    auth = bearer(client, SJC)  # the old token expired meanwhile
    assert client.get(job_url + "/pdf", headers=auth).status_code == 200
    advance(client, 10)
    for url in (job_url, job_url + "/pdf"):
        gone = client.get(url, headers=auth)
        assert gone.status_code == 410
        assert error_codes(gone) == ["DNF093"]
        assert "maximaal een jaar" in gone.json()["message"]


def test_an_unknown_job_is_not_found(client, auth):
    answer = client.get(f"{BILLS}/1/pdf-jobs/{'0' * 24}", headers=auth)
    assert (answer.status_code, error_codes(answer)) == (404, ["DNF092"])


def test_a_group_not_logged_in_this_school_year_is_refused_until_someone_logs_in(client, auth):
    refused = client.get(f"{BILLS}/1/bills", params={"accessGroup": "KA-Oud"}, headers=auth)
    assert refused.status_code == 403
    assert error_codes(refused) == ["BR090A"]
    assert "iRekeningen" in refused.json()["message"] and "2026-27" in refused.json()["message"]
    last_year = bills(client, auth, "KA-Oud", schoolYear="2025-26")
    assert len(last_year) == 20
    action(client, "informat-bills", "login-access-group", {"accessGroup": "KA-Oud"})
    assert len(bills(client, auth, "KA-Oud")) > 0


def test_every_group_must_be_logged_in_again_in_a_new_school_year(client, auth):
    bills(client, auth)  # the tenant starts using the API in 2026-27
    advance(client, 300 * 86400)  # 2027-09-13: a new school year
    auth = bearer(client, *ALL_GROUPS)
    groups = client.get(f"{BILLS}/1/accessgroups", headers=auth).json()
    assert groups["schoolYear"] == "2027-28"
    assert not any(g["activeForSchoolYear"] for g in groups["accessGroups"])
    refused = client.get(f"{BILLS}/1/bills", params={"accessGroup": "SJC-Secundair"}, headers=auth)
    assert (refused.status_code, error_codes(refused)) == (403, ["BR090A"])
    assert len(bills(client, auth, schoolYear="2026-27")) == 40  # last year's rights stay
    action(client, "informat-bills", "login-access-group", {"accessGroup": "SJC-Secundair"})
    assert bills(client, auth) == []  # logged in; no bills made yet this year


def test_a_token_reads_only_the_groups_of_its_scopes(client):
    auth = bearer(client, "api_informat_rekeningen.DR-Lager")
    refused = client.get(f"{BILLS}/1/bills", params={"accessGroup": "SJC-Secundair"}, headers=auth)
    assert (refused.status_code, error_codes(refused)) == (403, ["AUT003"])
    sjc_bill = bills(client, bearer(client, SJC))[2]
    assert client.get(f"{BILLS}/1/bills/{sjc_bill['billId']}", headers=auth).status_code == 403
    groups = client.get(f"{BILLS}/1/accessgroups", headers=auth).json()["accessGroups"]
    assert [g["name"] for g in groups] == ["DR-Lager"]


def test_unknown_groups_and_bills_are_not_found(client, auth):
    unknown = client.get(f"{BILLS}/1/bills", params={"accessGroup": "Nergens"}, headers=bearer(client))
    assert unknown.status_code in (403, 404)
    missing = client.get(f"{BILLS}/1/bills/3f2504e0-4f89-11d3-9a0c-0305e82c3301", headers=auth)
    assert (missing.status_code, error_codes(missing)) == (404, ["DNF091"])


@pytest.mark.parametrize(
    ("group", "code", "words"),
    [
        ("SJC-Internaat", "BR092A", "geen actieve gebruiker"),
        ("DR-Lager", "BR093A", '"Extern" of "Extern_Dubieus"'),
    ],
)
def test_payments_need_an_active_user_and_an_extern_journal(client, auth, group, code, words):
    bill = open_bill(client, auth, group)
    refused = pay(client, auth, bill)
    assert (refused.status_code, error_codes(refused)) == (400, [code])
    assert words in refused.json()["message"]
    assert client.get(f"{BILLS}/1/bills/{bill['billId']}/payments", headers=auth).json() == {"payments": []}


def test_a_group_that_gets_what_it_lacked_can_register_payments(client, auth):
    bill = open_bill(client, auth, "DR-Lager")
    action(
        client,
        "informat-bills",
        "set-access-group",
        {"accessGroup": "DR-Lager", "journals": ["Kas", "Extern"]},
    )
    assert pay(client, auth, bill).status_code == 200
    bill = open_bill(client, auth, "SJC-Internaat")
    users = [{"username": "els.maes", "active": False}, {"username": "bart.smet", "active": True}]
    action(client, "informat-bills", "set-access-group", {"accessGroup": "SJC-Internaat", "users": users})
    assert pay(client, auth, bill).json()["payment"]["registeredBy"] == "bart.smet"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"journal": "Kas"}, "BR094A", "Extern"),
        ({"amount": 100000.0}, "BR095A", "openstaande saldo"),
        ({"date": "2026-12-01"}, "BR096A", "toekomst"),
    ],
)
def test_a_wrong_payment_is_refused_and_nothing_is_stored(client, auth, changes, code, field):
    bill = open_bill(client, auth)
    refused = pay(client, auth, bill, **changes)
    assert (refused.status_code, error_codes(refused)) == (400, [code])
    assert field in refused.json()["message"]
    after = client.get(f"{BILLS}/1/bills/{bill['billId']}", headers=auth).json()
    assert after == bill


def test_the_same_reference_twice_and_more_than_is_open_are_refused(client, auth):
    bill = open_bill(client, auth)
    assert pay(client, auth, bill).status_code == 200
    twice = pay(client, auth, bill)
    assert (twice.status_code, error_codes(twice)) == (400, ["BR097A"])
    rest = round(bill["totalAmount"] - 5.0, 2)
    too_much = pay(client, auth, bill, reference="OGM-002", amount=round(rest + 0.01, 2))
    assert (too_much.status_code, error_codes(too_much)) == (400, ["BR095A"])
    settled = pay(client, auth, bill, reference="OGM-002", amount=rest).json()["bill"]
    assert (settled["openAmount"], settled["status"]) == (0, "paid")
    payments = client.get(f"{BILLS}/1/bills/{bill['billId']}/payments", headers=auth).json()["payments"]
    assert [p["reference"] for p in payments] == ["OGM-001", "OGM-002"]


def test_a_payment_on_an_unknown_bill_is_refused(client, auth):
    unknown = {"billId": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}
    answer = pay(client, auth, unknown)
    assert (answer.status_code, error_codes(answer)) == (404, ["DNF091"])


def test_payments_stay_within_their_tenant(client, auth):
    bill = open_bill(client, auth)
    assert pay(client, auth, bill).status_code == 200
    tenant = client.post("/__sandbox/tenants", json={"scopes": [SJC]}).json()
    credential = tenant["credentials"]["oauth2"]["client"]
    other = bearer(client, SJC, client_id=credential["client_id"], secret=credential["client_secret"])
    theirs = client.get(f"{BILLS}/1/bills/{bill['billId']}", headers=other).json()
    assert theirs["payments"] == [] and theirs["openAmount"] == bill["openAmount"]


def test_an_intake_adds_a_client_and_extends_its_scopes(client):
    tenant = client.post("/__sandbox/tenants", json={"scopes": [SJC]}).json()["id"]
    created = client.post(f"/__sandbox/tenants/{tenant}/clients", json={"scopes": [SJC]})
    assert created.status_code == 201
    new = created.json()
    assert new["clientId"] != f"{tenant}-client" and new["scopes"] == [SJC]
    credentials = {"client_id": new["clientId"], "secret": new["clientSecret"]}
    form = {
        "grant_type": "client_credentials",
        "client_id": new["clientId"],
        "client_secret": new["clientSecret"],
    }
    refused = client.post("/oauth2/connect/token", data={**form, "scope": "api_informat_rekeningen.DR-Lager"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"

    extended = client.patch(
        f"/__sandbox/tenants/{tenant}/clients/{new['clientId']}",
        json={
            "addScopes": ["api_informat_rekeningen.DR-Lager", "api_informat_sas_leerlingen.leerlingen.999999"]
        },
    )
    assert extended.json()["scopes"] == [
        SJC,
        "api_informat_rekeningen.DR-Lager",
        "api_informat_sas_leerlingen.leerlingen.999999",
    ]
    auth = bearer(client, "api_informat_rekeningen.DR-Lager", **credentials)
    assert len(bills(client, auth, "DR-Lager")) > 0
    listed = client.get(f"/__sandbox/tenants/{tenant}").json()["credentials"]["oauth2"][new["clientId"]]
    assert listed["scopes"] == extended.json()["scopes"]


def test_an_intake_with_unknown_scopes_or_client_is_refused(client):
    tenant = client.post("/__sandbox/tenants", json={"scopes": [SJC]}).json()["id"]
    unknown = client.post(
        f"/__sandbox/tenants/{tenant}/clients", json={"scopes": ["api_informat_rekeningen.a.b"]}
    )
    assert unknown.status_code == 400
    assert unknown.json()["violations"][0]["field"] == "scopes"
    missing = client.patch(f"/__sandbox/tenants/{tenant}/clients/demo-client", json={"addScopes": [SJC]})
    assert missing.status_code == 404  # another tenant's client
