"""A web-shop integrator's whole flow against the reference API, as seed 003 imagines it: a token,
find the debtor by e-mail or add it, find the products by SKU, book the invoice, read it back by
the shop's reference, and compute the room left under the limit from the headers."""

from tests.accounting.conftest import BE, SCOPES
from tests.conftest import make_client


def test_an_order_from_the_shop_becomes_an_invoice():
    server = make_client()
    form = {
        "grant_type": "client_credentials",
        "client_id": "demo-client",
        "client_secret": "demo-secret",
        "scope": SCOPES,
    }
    headers = {"Authorization": "Bearer " + server.post("/oauth2/token", data=form).json()["access_token"]}
    order = {
        "email": "Marie.Dubois@Example.be",
        "reference": "SHOP-ORDER-77",
        "items": [("SKU-BE-0001", "2"), ("SKU-BE-0004", "1")],
    }

    found = server.get(f"{BE}/contacts", params={"email": order["email"]}, headers=headers).json()
    assert found == []
    debtor = server.post(
        f"{BE}/contacts",
        headers=headers,
        json={
            "firstname": "Marie",
            "lastname": "Dubois",
            "email": order["email"],
            "address": {
                "street": "Veldstraat",
                "house_number": "5",
                "postal_code": "9000",
                "city": "Gent",
                "country": "BE",
            },
        },
    ).json()
    assert server.get(
        f"{BE}/contacts", params={"email": "marie.dubois@example.be"}, headers=headers
    ).json() == [debtor]

    lines = []
    for sku, quantity in order["items"]:
        (product,) = server.get(f"{BE}/products", params={"sku": sku}, headers=headers).json()
        lines.append(
            {
                "description": product["description"],
                "quantity": quantity,
                "unit_price": product["price"]["amount"],
                "vat_code": product["vat_code"],
                "ledger_account_code": product["ledger_account_code"],
                "product_id": product["id"],
            }
        )
    booked = server.post(
        f"{BE}/financial_transactions",
        headers=headers,
        json={
            "kind": "sales_invoice",
            "date": "2026-11-17",
            "reference": order["reference"],
            "contact_id": debtor["id"],
            "lines": lines,
        },
    )
    assert booked.status_code == 200
    invoice = booked.json()
    assert invoice["id"] and invoice["number"].startswith("VF2026-")
    assert invoice["total_excl_vat"] == "41.90"  # 2 x 14.95 + 12.00

    read = server.get(
        f"{BE}/financial_transactions", params={"reference": order["reference"]}, headers=headers
    )
    assert read.json() == [invoice]
    remaining, limit = int(read.headers["RateLimit-Remaining"]), int(read.headers["RateLimit-Limit"])
    assert limit == 600 and remaining == limit - 7  # seven requests so far
    room = server.get("/accounting/api/v1/rate_limit", headers=headers).json()
    assert room["remaining"] == remaining
