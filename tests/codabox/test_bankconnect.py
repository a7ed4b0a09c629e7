"""CodaBox BankConnect over HTTP: the API root, the token, the accounts awaiting the bank, their
mandate PDF, and the bank's decisions seen in the CodaBox API V2 (mandate state, reason, feed);
every refusal in Ibanity's JSON:API body."""

import base64

import pytest

from tests.codabox.v2 import (
    ACCOUNTANT,
    BASE,
    action,
    advance,
    drain,
    feed,
    fresh_account,
    order_coda,
)
from tests.conftest import make_client

BC = "/codabox-bankconnect"
JSON_API = "application/vnd.api+json"
DEMO_CLIENT = ("demo-codabox-connect", "demo-codabox-connect-secret")
DAY = 86400


@pytest.fixture
def client():
    return make_client()


def _token(client, secret: str = DEMO_CLIENT[1], scope: str = "test"):
    basic = base64.b64encode(f"{DEMO_CLIENT[0]}:{secret}".encode()).decode()
    return client.post(
        f"{BC}/oauth2/token",
        data={"grant_type": "client_credentials", "scope": scope},
        headers={"Authorization": f"Basic {basic}"},
    )


def _bank(client) -> dict[str, str]:
    """Headers of the bank's calls: a bearer token from BankConnect's own token endpoint, fresh
    (a token lives an hour of the tenant's clock)."""
    return {"Authorization": f"Bearer {_token(client).json()['access_token']}", "Accept": JSON_API}


@pytest.fixture
def bank(client) -> dict[str, str]:
    return _bank(client)


def _signed(client, bic: str = "GEBABEBB") -> tuple[dict, str]:
    """A CODA mandate ordered through V2 for a new IBAN, signed by the client: (mandate, IBAN)."""
    company, iban = fresh_account(client, bic)
    mandate = order_coda(client, company.id, bic, [iban]).json()
    advance(client, 600)
    action(client, "sign", {"mandate_id": mandate["id"]})
    return mandate, iban


def _post(client, bank, path: str, kind: str, attributes: dict, **headers):
    body = {"data": {"type": kind, "attributes": attributes}}
    return client.post(f"{BC}/{path}", json=body, headers={**bank, "Content-Type": JSON_API, **headers})


def _approve(client, bank, iban: str, **headers):
    return _post(
        client,
        bank,
        "bank-account-approvals",
        "bankAccountApproval",
        {"iban": iban, "accountType": "current"},
        **headers,
    )


def _v2_mandate(client, mandate_id: str) -> dict:
    return client.get(f"{BASE}/mandates/{mandate_id}/", headers=ACCOUNTANT).json()


def _coda_days(client, iban: str) -> list[str]:
    return [
        e["metadata"]["new_balance_date"]
        for e in feed(client)["feed_entries"]
        if e["document_model"] == "coda" and e["metadata"]["iban"] == iban
    ]


def test_the_api_root_needs_no_token_and_links_every_resource(client):
    answer = client.get(BC)
    assert answer.status_code == 200 and answer.headers["ibanity-request-id"]
    links = answer.json()["links"]
    assert links["oauth2"]["token"] == "http://testserver/codabox-bankconnect/oauth2/token"
    assert links["bankMandates"].endswith("/bank-mandates/{bankAccountId}")
    assert links["bankAccountRejections"].endswith("/codabox-bankconnect/bank-account-rejections")


def test_the_token_is_client_credentials_with_basic(client):
    answer = _token(client)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"].lower() == "bearer" and body["expires_in"] > 0 and "test" in body["scope"]
    wrong = _token(client, secret="wrong")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    basic = base64.b64encode(":".join(DEMO_CLIENT).encode()).decode()
    empty = client.post(f"{BC}/oauth2/token", headers={"Authorization": f"Basic {basic}"})
    assert empty.status_code == 400 and empty.json()["error"] == "invalid_request"


def test_without_a_token_the_bank_is_refused_in_json_api(client):
    answer = client.get(f"{BC}/bank-accounts")
    assert answer.status_code == 401 and answer.headers["content-type"].startswith(JSON_API)
    assert [e["code"] for e in answer.json()["errors"]] == ["unauthorized"]
    assert answer.headers["ibanity-request-id"]


def test_the_bank_sees_the_signed_accounts_that_await_it(client, bank):
    assert client.get(f"{BC}/bank-accounts", headers=bank).json()["data"] == []
    mandate, iban = _signed(client)
    company_accounts = client.get(f"{BC}/bank-accounts", headers=bank).json()
    [account] = company_accounts["data"]
    assert account["type"] == "bankAccount"
    assert account["attributes"]["iban"] == iban and account["attributes"]["bic"] == "GEBABEBB"
    assert account["attributes"]["status"] == "pendingBankApproval"
    assert account["attributes"]["accountHolderName"] and account["attributes"]["signedAt"].endswith("Z")
    assert _v2_mandate(client, mandate["id"])["state"] == "signed"


def test_bank_accounts_page_with_cursors(client, bank):
    ibans = []
    for bic in ("GEBABEBB", "KREDBEBB", "BBRUBEBB"):
        ibans.append(_signed(client, bic)[1])
    first = client.get(f"{BC}/bank-accounts", params={"page[limit]": 2}, headers=bank).json()
    assert [a["attributes"]["iban"] for a in first["data"]] == ibans[:2]
    assert first["meta"]["paging"] == {"limit": 2, "after": first["data"][1]["id"]}
    following = client.get(first["links"]["next"].replace("http://testserver", ""), headers=bank).json()
    assert [a["attributes"]["iban"] for a in following["data"]] == ibans[2:]
    assert "next" not in following["links"] and "after" not in following["meta"]["paging"]
    wrong = client.get(
        f"{BC}/bank-accounts", params={"page[after]": "00000000-0000-4000-8000-000000000000"}, headers=bank
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["code"] == "validationError"
    assert wrong.json()["errors"][0]["meta"] == {"attribute": "after"}


def test_the_mandate_pdf_is_the_one_v2_serves(client, bank):
    mandate, _ = _signed(client)
    account = client.get(f"{BC}/bank-accounts", headers=bank).json()["data"][0]
    pdf = client.get(
        account["links"]["bankMandate"].replace("http://testserver", ""),
        headers={**bank, "Accept": "application/pdf"},
    )
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    v2 = client.get(f"{BASE}/mandates/{mandate['id']}/pdf/", headers=ACCOUNTANT)
    assert pdf.content == v2.content and pdf.content.startswith(b"%PDF")
    json_asked = client.get(account["links"]["bankMandate"].replace("http://testserver", ""), headers=bank)
    assert json_asked.status_code == 406 and json_asked.json()["errors"][0]["code"] == "notAcceptable"
    missing = client.get(
        f"{BC}/bank-mandates/00000000-0000-4000-8000-000000000000",
        headers={**bank, "Accept": "application/pdf"},
    )
    assert missing.status_code == 404
    assert missing.json()["errors"][0] == {
        "code": "unknownBankAccount",
        "detail": "No bank account 00000000-0000-4000-8000-000000000000",
    }


def test_an_approval_makes_the_mandate_active_and_coda_flow_in_v2(client, bank):
    drain(client)
    mandate, iban = _signed(client)
    answer = _approve(client, bank, iban)
    assert answer.status_code == 201, answer.text
    decision = answer.json()["data"]
    assert decision["type"] == "bankAccountApproval"
    assert decision["attributes"]["iban"] == iban and decision["attributes"]["accountType"] == "current"
    account = client.get(f"{BC}/bank-accounts", headers=bank).json()["data"]
    assert account == []  # decided: no longer awaiting the bank
    assert decision["relationships"]["bankAccount"]["data"]["type"] == "bankAccount"
    v2 = _v2_mandate(client, mandate["id"])
    assert (v2["state"], v2["reason_code"], v2["validity_start"]) == ("active", "R-0", "2026-11-17")
    advance(client, 2 * DAY)
    assert _coda_days(client, iban) == ["2026-11-17", "2026-11-18"]
    again = _approve(client, _bank(client), iban)
    assert again.status_code == 409
    error = again.json()["errors"][0]
    assert error["code"] == "invalidBankAccountState" and error["meta"] == {"attribute": "iban"}
    assert "not active" in error["detail"]


def test_a_rejection_puts_the_mandate_in_problem_with_the_v2_reason_code(client, bank):
    drain(client)
    mandate, iban = _signed(client)
    answer = _post(
        client,
        bank,
        "bank-account-rejections",
        "bankAccountRejection",
        {"iban": iban, "reasonCode": "signerNotMandatary"},
    )
    assert (
        answer.status_code == 201
        and answer.json()["data"]["attributes"]["reasonCode"] == "signerNotMandatary"
    )
    v2 = _v2_mandate(client, mandate["id"])
    assert (v2["state"], v2["reason_code"]) == ("problem", "R-3")
    assert "signerNotMandatary" in v2["reason"]
    advance(client, 10 * DAY)
    assert _coda_days(client, iban) == []
    assert _v2_mandate(client, mandate["id"])["state"] == "problem"  # the bank's planned activation is gone


def test_a_rejection_names_a_known_reason_code(client, bank):
    _, iban = _signed(client)
    answer = _post(
        client, bank, "bank-account-rejections", "bankAccountRejection", {"iban": iban, "reasonCode": "whim"}
    )
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["code"] == "validationError" and error["meta"] == {"attribute": "reasonCode"}
    assert error["detail"].startswith("reasonCode 'whim' is not one of: signerNotMandatary, ")


def test_a_deactivation_archives_the_mandate_stopped_by_the_bank_and_coda_stops(client, bank):
    drain(client)
    mandate, iban = _signed(client)
    _approve(client, bank, iban)
    advance(client, 2 * DAY)
    bank = _bank(client)
    attributes = {"iban": iban, "timestamp": "2026-11-19T08:00:00.000Z", "isAccountClosed": True}
    answer = _post(client, bank, "bank-account-deactivations", "bankAccountDeactivation", attributes)
    assert answer.status_code == 201
    assert answer.json()["data"]["attributes"]["isAccountClosed"] is True
    v2 = _v2_mandate(client, mandate["id"])
    assert (v2["state"], v2["reason"]) == ("archived", "Stopped by the bank: the account is closed")
    advance(client, 5 * DAY)
    assert _coda_days(client, iban) == ["2026-11-17", "2026-11-18"]
    again = _post(
        client, _bank(client), "bank-account-deactivations", "bankAccountDeactivation", {"iban": iban}
    )
    assert again.status_code == 404 and again.json()["errors"][0]["code"] == "unknownBankAccount"


def test_a_deactivation_without_a_closed_account_says_stopped_by_the_bank(client, bank):
    mandate, iban = _signed(client)
    _approve(client, bank, iban)
    _post(client, bank, "bank-account-deactivations", "bankAccountDeactivation", {"iban": iban})
    assert _v2_mandate(client, mandate["id"])["reason"] == "Stopped by the bank"


def test_unknown_and_invalid_ibans_are_refused(client, bank):
    _, free = fresh_account(client, "GEBABEBB")
    unknown = _approve(client, bank, free)
    assert unknown.status_code == 404
    assert unknown.json()["errors"] == [
        {
            "code": "unknownBankAccount",
            "detail": f"No CodaBox mandate holds {free} now",
            "meta": {"attribute": "iban"},
        }
    ]
    invalid = _approve(client, bank, "BE00 0000 0000 0000")
    assert invalid.status_code == 400
    assert invalid.json()["errors"][0]["code"] == "validationError"
    assert invalid.json()["errors"][0]["detail"] == "'BE00000000000000' is not a valid Belgian IBAN"
    wrong_type = client.post(
        f"{BC}/bank-account-approvals",
        json={"data": {"type": "bankAccountRejection", "attributes": {"iban": free}}},
        headers=bank,
    )
    assert wrong_type.status_code == 400 and wrong_type.json()["errors"][0]["meta"] == {"attribute": "type"}


def test_a_decision_takes_json_with_a_charset_too(client, bank):
    _, iban = _signed(client)
    body = {"data": {"type": "bankAccountApproval", "attributes": {"iban": iban}}}
    answer = client.post(
        f"{BC}/bank-account-approvals",
        content=__import__("json").dumps(body),
        headers={**bank, "Content-Type": "application/json; charset=utf-8"},
    )
    assert answer.status_code == 201, answer.text


def test_an_idempotency_key_answers_the_first_decision_again(client, bank):
    mandate, iban = _signed(client)
    key = {"Ibanity-Idempotency-Key": "6f1b0c3e-8a7d-4a8e-9d55-3f1f2b7c9a10"}
    first = _approve(client, bank, iban, **key)
    retried = _approve(client, bank, iban, **key)
    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.json() == first.json()
    other = _post(
        client,
        bank,
        "bank-account-approvals",
        "bankAccountApproval",
        {"iban": iban, "accountType": "current", "note": "x"},
        **key,
    )
    assert other.status_code == 409 and other.json()["errors"][0]["code"] == "idempotencyKeyConflict"
    assert _v2_mandate(client, mandate["id"])["state"] == "active"


def test_an_empty_idempotency_key_is_refused_as_its_schema_says(client, bank):
    """Unlike a tracing id, a key that names no request is likely refused by Ibanity too: it stays
    a 400, and the decision is not taken."""
    _, iban = _signed(client)
    answer = _approve(client, bank, iban, **{"Ibanity-Idempotency-Key": ""})
    assert answer.status_code == 400
    (error,) = answer.json()["errors"]
    assert error["code"] == "validationError" and "Ibanity-Idempotency-Key" in error["detail"]
    assert _approve(client, bank, iban).status_code == 201


def _verdict(client) -> dict:
    report = client.get("/__sandbox/tenants/demo/contracts", params={"check": "bankconnect_decides_once"})
    return report.json()["checks"][0]


def test_a_decision_sent_again_without_its_key_is_reported(client, bank):
    _, iban = _signed(client)
    _approve(client, bank, iban)
    assert _verdict(client)["outcome"] == "passed"
    assert _approve(client, bank, iban).status_code == 409
    verdict = _verdict(client)
    assert verdict["outcome"] == "failed"
    assert [f["message"] for f in verdict["findings"]] == [
        f"1 decision(s) were sent again after they were taken, for {iban}: send each decision once, "
        "and a retry with the Ibanity-Idempotency-Key of the first try"
    ]


def test_a_retry_with_its_key_is_no_second_decision(client, bank):
    _, iban = _signed(client)
    key = {"Ibanity-Idempotency-Key": "0d6c1f7e-3d9a-4a55-b7a2-2c4c1b8e9f01"}
    _approve(client, bank, iban, **key)
    _approve(client, bank, iban, **key)
    assert _verdict(client)["outcome"] == "passed"


def test_the_bank_approves_rejects_and_deactivates_and_both_apis_see_it(client):
    """A bank's walk: the accounts awaiting it, the mandate PDF, an approval, a rejection and a
    deactivation through BankConnect; V2's mandates and feed and Connect's searches follow."""
    from tests.codabox import connect

    drain(client)
    office = connect.confirmed_office(client, connect.bearer(client))
    approved, approved_iban = _signed(client, "GEBABEBB")
    rejected, rejected_iban = _signed(client, "KREDBEBB")
    bank = _bank(client)
    waiting = client.get(f"{BC}/bank-accounts", headers=bank).json()["data"]
    assert [a["attributes"]["iban"] for a in waiting] == [approved_iban, rejected_iban]
    for account in waiting:
        pdf = client.get(f"{BC}/bank-mandates/{account['id']}", headers={**bank, "Accept": "application/pdf"})
        assert pdf.content.startswith(b"%PDF")
    key = {"Ibanity-Idempotency-Key": "a1d0c6e2-5b7f-4c1e-9a3d-7e2f4b6c8d01"}
    assert _approve(client, bank, approved_iban, **key).status_code == 201
    rejection = {"iban": rejected_iban, "reasonCode": "signatureInvalid"}
    assert (
        _post(client, bank, "bank-account-rejections", "bankAccountRejection", rejection).status_code == 201
    )
    assert client.get(f"{BC}/bank-accounts", headers=bank).json()["data"] == []
    assert _v2_mandate(client, approved["id"])["state"] == "active"
    assert (
        _v2_mandate(client, rejected["id"])["state"],
        _v2_mandate(client, rejected["id"])["reason_code"],
    ) == (
        "problem",
        "R-4",
    )
    advance(client, 3 * DAY)
    bank = _bank(client)
    deactivation = {"iban": approved_iban, "isAccountClosed": False}
    assert (
        _post(client, bank, "bank-account-deactivations", "bankAccountDeactivation", deactivation).status_code
        == 201
    )
    assert _v2_mandate(client, approved["id"])["state"] == "archived"
    advance(client, 4 * DAY)
    assert _coda_days(client, approved_iban) == ["2026-11-17", "2026-11-18", "2026-11-19"]
    assert _coda_days(client, rejected_iban) == []

    company = approved["client_id"]
    number = next(
        c for c in connect.demo_world(client).clients(office.id) if c.id == company
    ).enterprise_number
    headers = connect.bearer(client)
    body = connect.search_body("bankAccountStatement", [number], **{"from": "2026-11-17T00:00:00Z"})
    found = connect.every_page(client, headers, office, body)
    statements = f"{connect.BASE}/accounting-offices/{office.id}/clients/{number}/bank-account-statements"
    days = sorted(
        attributes["createdAt"][:10]
        for attributes in (
            client.get(f"{statements}/{d['id']}", headers=headers).json()["data"]["attributes"] for d in found
        )
        if attributes["iban"] == approved_iban
    )
    assert len(days) == 3
    verdicts = client.get("/__sandbox/tenants/demo/contracts", params={"check": "bankconnect_decides_once"})
    assert verdicts.json()["checks"][0]["outcome"] == "passed"
