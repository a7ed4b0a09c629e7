"""On hold by default, as in reality; preview once the tenant switches."""

import pytest

from sandbox.apis.fod.onhold import MESSAGES, language
from tests.conftest import make_client
from tests.fod.conftest import ACCOUNTANT, INTERVAT, MMF, action, bearer, onboard, user_token


def test_a_new_tenant_is_on_hold_and_registration_is_temporarily_impossible():
    client = make_client()
    response = action(
        client, "register-company", {"enterpriseNumber": ACCOUNTANT, "legalRepresentative": "An"}
    )
    assert response.status_code == 503
    assert "temporarily impossible" in response.text


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("nl-BE,nl;q=0.9", "nl"),
        ("fr-BE", "fr"),
        ("de", "de"),
        ("en-GB", "en"),
        ("es, fr;q=0.5", "fr"),
        (None, "en"),
    ],
)
def test_every_call_on_hold_answers_503_with_retry_after_in_the_asked_language(accept, lang):
    client = make_client()
    onboard(client)
    token = user_token(client, ACCOUNTANT)
    assert action(client, "set-mode", {"mode": "on_hold"}).json() == {"result": {"mode": "on_hold"}}
    headers = {**bearer(token), **({"Accept-Language": accept} if accept else {})}
    for response in (
        client.get(f"{MMF}/dossiers", headers=headers),
        client.get(f"{INTERVAT}/vat-returns", headers=headers),
        client.post(
            f"{INTERVAT}/vat-returns", content=b"<x/>", headers={**headers, "Content-Type": "application/xml"}
        ),
    ):
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 3600
        assert response.json() == {"code": "api_on_hold", "message": MESSAGES[lang]}


def test_the_on_hold_message_names_privacy_security_and_no_timeline():
    assert "privacy" in MESSAGES["en"] and "no timeline" in MESSAGES["en"]
    assert language("de-AT;q=0.2, nl;q=0.8") == "nl"


def test_an_unknown_mode_is_refused():
    response = action(make_client(), "set-mode", {"mode": "available"})
    assert response.status_code == 400


def test_a_client_that_retries_the_on_hold_answer_in_a_loop_is_reported():
    client = make_client()
    onboard(client)
    headers = bearer(user_token(client, ACCOUNTANT))
    action(client, "set-mode", {"mode": "on_hold"})
    for _ in range(4):
        assert client.get(f"{MMF}/dossiers", headers=headers).status_code == 503
    check = "fod_on_hold_is_not_retried_in_a_loop"
    report = client.get("/__sandbox/tenants/demo/contracts", params={"check": check}).json()
    found = report["checks"]
    assert found[0]["outcome"] == "failed", report
    assert "4 requests" in found[0]["findings"][0]["message"]
