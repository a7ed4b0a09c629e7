"""Registration, the user agreement, the end user in the token, and mandates Y -> Z."""

from tests.conftest import make_client
from tests.fod.conftest import (
    ACCOUNTANT,
    BAKERY,
    BREWERY,
    CLIENT,
    CONSULTANCY,
    FIDUCIAIRE,
    GARAGE,
    MMF,
    action,
    advance,
    bearer,
    user_token,
)


def test_an_unregistered_company_is_refused_with_the_reason():
    client = make_client()
    action(client, "set-mode", {"mode": "preview"})
    response = client.get(f"{MMF}/dossiers", headers=bearer(user_token(client, ACCOUNTANT)))
    assert response.status_code == 403
    assert response.json()["code"] == "not_registered"
    assert "legal representative" in response.json()["message"]


def test_a_registered_company_must_accept_the_agreement():
    client = make_client()
    action(client, "set-mode", {"mode": "preview"})
    body = {"enterpriseNumber": ACCOUNTANT, "legalRepresentative": "An Peeters"}
    assert action(client, "register-company", body).json()["result"] == {
        "registered": True,
        "agreementAccepted": False,
    }
    response = client.get(f"{MMF}/dossiers", headers=bearer(user_token(client, ACCOUNTANT)))
    assert (response.status_code, response.json()["code"]) == (403, "agreement_not_accepted")
    accepted = action(client, "accept-agreement").json()["result"]
    assert accepted["agreementAccepted"] is True and accepted["clientId"]
    assert client.get(f"{MMF}/dossiers", headers=bearer(user_token(client, ACCOUNTANT))).status_code == 200


def test_accepting_before_registering_is_refused():
    client = make_client()
    action(client, "set-mode", {"mode": "preview"})
    assert action(client, "accept-agreement").status_code == 403


def test_a_client_credentials_token_names_no_end_user(fod):
    form = {"grant_type": "client_credentials", "client_id": "demo-fod", "client_secret": "demo-fod-secret"}
    token = fod.post("/oauth2/token", data=form).json()["access_token"]
    response = fod.get(f"{MMF}/dossiers", headers=bearer(token))
    assert (response.status_code, response.json()["code"]) == (403, "no_end_user")


def test_the_end_user_sees_own_and_mandated_dossiers_with_the_role(fod, accountant):
    items = fod.get(f"{MMF}/dossiers", headers=accountant).json()["items"]
    roles = {d["dossierId"]: d["role"] for d in items}
    # the mandate for the consultancy ended on 2026-06-30; the clock is in November 2026
    assert roles == {ACCOUNTANT: "owner", BAKERY: "mandatary", BREWERY: "mandatary"}


def test_without_a_mandate_the_dossier_is_403_naming_the_missing_mandate(fod, accountant):
    response = fod.get(f"{MMF}/dossiers/{GARAGE}/documents", headers=accountant)
    assert response.status_code == 403
    assert response.json()["code"] == "not_mandatary"
    assert f"{ACCOUNTANT} holds no documents mandate for {GARAGE}" in response.json()["message"]


def test_an_expired_mandate_gives_no_access(fod, accountant):
    response = fod.get(f"{MMF}/dossiers/{CONSULTANCY}/documents", headers=accountant)
    assert response.json()["code"] == "not_mandatary"


def test_mandates_are_granted_revoked_and_expire_on_the_tenant_clock(fod, accountant):
    url = f"{MMF}/dossiers/{GARAGE}/documents"
    grant = {"mandatary": ACCOUNTANT, "owner": GARAGE, "kinds": ["documents"], "until": "2026-11-20"}
    assert action(fod, "grant-mandate", grant).status_code == 200
    assert fod.get(url, headers=accountant).status_code == 200
    advance(fod, 5 * 86400)
    token = bearer(user_token(fod, ACCOUNTANT))
    assert fod.get(url, headers=token).status_code == 403
    action(fod, "grant-mandate", {**grant, "until": "2027-12-31"})
    assert fod.get(url, headers=token).status_code == 200
    action(fod, "revoke-mandate", {"mandatary": ACCOUNTANT, "owner": GARAGE})
    assert fod.get(url, headers=token).status_code == 403


def test_the_owner_reaches_its_own_dossier_without_a_mandate(fod):
    token = bearer(user_token(fod, GARAGE))
    assert fod.get(f"{MMF}/dossiers/{GARAGE}/documents", headers=token).status_code == 200
    other = bearer(user_token(fod, FIDUCIAIRE))
    assert {d["dossierId"] for d in fod.get(f"{MMF}/dossiers", headers=other).json()["items"]} == {
        FIDUCIAIRE,
        GARAGE,
    }


def test_a_refreshed_token_still_carries_the_end_user(fod):
    tokens = user_token(fod, GARAGE, full=True)
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refreshed = fod.post("/oauth2/token", data={**form, **CLIENT}).json()["access_token"]
    items = fod.get(f"{MMF}/dossiers", headers=bearer(refreshed)).json()["items"]
    assert [d["dossierId"] for d in items] == [GARAGE]
