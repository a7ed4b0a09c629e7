"""Access to the CodaBox API V2: the software key and Basic, the token flow through the outbox,
trailing slashes, Accept, and the `{"detail"}` body of every refusal."""

import pytest

from tests.codabox.v2 import ACCOUNTANT, BASE, KEY, basic, demo_world, invoicing_user
from tests.conftest import make_client


@pytest.fixture
def client():
    return make_client()


def test_a_call_without_the_software_key_is_refused_with_detail(client):
    answer = client.get(f"{BASE}/clients/", headers={"Authorization": ACCOUNTANT["Authorization"]})
    assert answer.status_code == 401
    assert set(answer.json()) == {"detail"}
    alone = client.get(f"{BASE}/get-credentials/some-token/")
    assert (alone.status_code, alone.json()) == (401, {"detail": "This operation needs credentials"})


def test_an_unknown_software_key_is_forbidden_and_wrong_basic_is_401(client):
    wrong_key = {**ACCOUNTANT, "X-Software-Company": "nobody"}
    forbidden = client.get(f"{BASE}/clients/", headers=wrong_key)
    assert (forbidden.status_code, forbidden.json()) == (
        403,
        {"detail": "Forbidden: unknown X-Software-Company key"},
    )
    token_flow = client.post(
        f"{BASE}/request-access-token/invoicing-software/",
        json={"vat": "BE0403170701"},
        headers={"X-Software-Company": "nobody"},
    )
    assert token_flow.status_code == 403 and set(token_flow.json()) == {"detail"}
    answer = client.get(f"{BASE}/clients/", headers=basic("demo-accountant", "wrong"))
    assert answer.status_code == 401
    assert answer.json()["detail"] == "The credentials are not valid for this operation"


def test_the_key_alone_does_not_open_data_calls(client):
    answer = client.get(f"{BASE}/fiduciaries/", headers=KEY)
    assert (answer.status_code, answer.json()) == (
        401,
        {"detail": "The credentials are not valid for this operation"},
    )


def test_every_path_answers_with_and_without_its_trailing_slash_without_redirect(client):
    with_slash = client.get(f"{BASE}/fiduciaries/", headers=ACCOUNTANT, follow_redirects=False)
    without = client.get(f"{BASE}/fiduciaries", headers=ACCOUNTANT, follow_redirects=False)
    assert with_slash.status_code == without.status_code == 200
    assert with_slash.json() == without.json()


def test_unknown_paths_and_methods_answer_detail(client):
    missing = client.get(f"{BASE}/nowhere/", headers=ACCOUNTANT)
    assert missing.status_code == 404 and set(missing.json()) == {"detail"}
    wrong = client.delete(f"{BASE}/fiduciaries/", headers=ACCOUNTANT)
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"
    assert "DELETE is not allowed" in wrong.json()["detail"]


def test_a_body_that_breaks_the_schema_names_the_field(client):
    answer = client.post(f"{BASE}/request-access-token/invoicing-software/", json={}, headers=KEY)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["location"] == "vat"


def test_lists_are_bare_arrays_of_the_first_office(client):
    world = demo_world(client)
    office = world.offices[0]
    fiduciaries = client.get(f"{BASE}/fiduciaries/", headers=ACCOUNTANT).json()
    assert [f["id"] for f in fiduciaries] == [office.id]
    assert fiduciaries[0]["legal_entity"]["enterprise_num"] == f"BE{office.enterprise_number}"
    clients = client.get(f"{BASE}/clients/", headers=ACCOUNTANT).json()
    assert [c["id"] for c in clients] == [c.id for c in world.clients(office.id)]
    other = world.offices[1].id
    answer = client.get(f"{BASE}/fiduciaries/{other}/", headers=ACCOUNTANT)
    assert answer.status_code == 404 and other in answer.json()["detail"]


def test_the_token_flow_emails_a_one_time_token_that_gives_basic_credentials(client):
    world = demo_world(client)
    company = next(c for c in world.clients(world.offices[0].id) if c.enterprise_number and not c.accented)
    headers = invoicing_user(client, f"BE{company.enterprise_number}")
    mail = client.get("/__sandbox/tenants/demo/outbox").json()[-1]
    assert mail["to"] == company.contact_email and mail["data"]["token"] in mail["body"]
    again = client.get(f"{BASE}/get-credentials/{mail['data']['token']}/", headers=KEY)
    assert again.status_code == 404 and "used already" in again.json()["detail"]
    own = client.get(f"{BASE}/clients/", headers=headers).json()
    assert [c["id"] for c in own] == [company.id]


def test_the_token_flow_refuses_invalid_and_unknown_vat_numbers(client):
    url = f"{BASE}/request-access-token/invoicing-software/"
    invalid = client.post(url, json={"vat": "BE0123456789"}, headers=KEY)
    assert invalid.status_code == 400 and "not a valid Belgian VAT number" in invalid.json()["detail"]
    unknown = client.post(url, json={"vat": "BE0403019261"}, headers=KEY)
    assert unknown.status_code == 404 and unknown.json()["detail"].endswith("BE0403019261")
    assert client.get(f"{BASE}/get-credentials/never-sent/", headers=KEY).status_code == 404


def test_an_invoicing_users_credentials_get_no_delivery_feed(client):
    world = demo_world(client)
    company = next(c for c in world.clients(world.offices[0].id) if c.enterprise_number)
    headers = invoicing_user(client, f"BE{company.enterprise_number}")
    answer = client.get(f"{BASE}/delivery/pod-client/", headers=headers)
    assert answer.status_code == 403 and "accounting office" in answer.json()["detail"]
