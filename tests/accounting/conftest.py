import pytest

from tests.conftest import make_client

NL, BE = "/accounting/api/v1/100001", "/accounting/api/v1/100002"
SCOPES = "accounting.contacts accounting.transactions accounting.products accounting.settings"


def token(server, scope: str = SCOPES) -> str:
    form = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}
    response = server.post("/oauth2/token", data={**form, "scope": scope})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


class Api:
    """The demo tenant's client of the accounting API, with a token of every scope."""

    def __init__(self, server, scope: str = SCOPES) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token(server, scope)}"}

    def get(self, path: str, **params):
        return self.server.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: dict):
        return self.server.post(path, json=body, headers=self.headers)


@pytest.fixture
def api() -> Api:
    return Api(make_client())


def error_of(response, status: int) -> dict:
    """The error member of a refusal, after checking its status and its shape."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["message"]["value"]
    return error


def fields_of(error: dict) -> dict[str, str]:
    return {d["field"]: d["code"] for d in error["details"]}


def invoice(**changes) -> dict:
    """A sales invoice the Dutch administration accepts (it requires journal, condition and profile)."""
    body = {
        "kind": "sales_invoice",
        "date": "2026-11-16",
        "reference": "SHOP-1001",
        "contact_id": "10000005",
        "journal_code": "VK",
        "payment_condition_code": "14",
        "invoice_profile_id": "80000001",
        "lines": [
            {
                "description": "Koffiebonen",
                "quantity": "3",
                "unit_price": "14.95",
                "vat_code": "NL9",
                "ledger_account_code": "8010",
            },
            {
                "description": "Theepot",
                "quantity": "1",
                "unit_price": "24.50",
                "vat_code": "NL21",
                "ledger_account_code": "8000",
            },
            {
                "description": "Verzendkosten",
                "quantity": "1",
                "unit_price": "6.95",
                "vat_code": "NL21",
                "ledger_account_code": "8000",
            },
        ],
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}
