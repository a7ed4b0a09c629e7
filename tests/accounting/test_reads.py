"""Reading the reference accounting API: settings, debtors, products and transactions, each with
the fields seed 003 item 6 asks for, searched as item 4 asks."""

from tests.accounting.conftest import BE, NL


def test_administrations_say_their_country_and_what_a_transaction_must_name(api):
    found = {a["id"]: a for a in api.get("/accounting/api/v1/administrations").json()}
    assert found["100001"]["country"] == "NL" and found["100001"]["chart_of_accounts"] == "RGS"
    assert found["100001"]["requires"] == {
        "journal": True,
        "payment_condition": True,
        "invoice_profile": True,
    }
    assert found["100002"]["country"] == "BE" and found["100002"]["requires"]["journal"] is False


def test_vat_rates_match_the_administrations_country(api):
    nl = {r["code"]: r["percentage"] for r in api.get(f"{NL}/vat_rates").json()}
    be = {r["code"]: r["percentage"] for r in api.get(f"{BE}/vat_rates").json()}
    assert nl == {"NL21": "21.00", "NL9": "9.00", "NL0": "0.00", "NLVR": "0.00", "NLVL": "0.00"}
    assert be == {"BE21": "21.00", "BE12": "12.00", "BE6": "6.00", "BE0": "0.00"}


def test_ledger_accounts_have_code_id_and_description(api):
    accounts = api.get(f"{BE}/ledger_accounts").json()
    by_code = {a["code"]: a for a in accounts}
    assert (
        by_code["400000"]["description"] == "Handelsdebiteuren" and by_code["400000"]["type"] == "receivable"
    )
    assert {"700000", "451000"} <= set(by_code)
    assert all(a["id"] and a["description"] for a in accounts)


def test_journals_payment_conditions_and_invoice_profiles(api):
    journals = {j["code"]: j["type"] for j in api.get(f"{NL}/journals").json()}
    assert journals == {"VK": "sales", "IK": "purchase", "BNK": "bank", "MEM": "memorial"}
    conditions = {p["code"]: p for p in api.get(f"{NL}/payment_conditions").json()}
    assert conditions["30-2"]["days"] == 30
    assert (conditions["30-2"]["discount_percentage"], conditions["30-2"]["discount_days"]) == ("2.00", 8)
    profiles = api.get(f"{BE}/invoice_profiles").json()
    assert [p["language"] for p in profiles] == ["nl", "fr"]


def test_search_debtors_by_email_is_exact_and_case_insensitive(api):
    one = api.get(f"{NL}/contacts", per_page=100).json()[10]
    found = api.get(f"{NL}/contacts", email=one["email"].upper()).json()
    assert [c["id"] for c in found] == [one["id"]]
    assert api.get(f"{NL}/contacts", email=one["email"][1:]).json() == []


def test_the_documented_duplicate_email_finds_two_debtors(api):
    found = api.get(f"{NL}/contacts", email="Inkoop@Groothandel-Vos.nl").json()
    assert [c["id"] for c in found] == ["10000001", "10000002"]


def test_a_debtor_has_id_name_and_a_full_address(api):
    contact = api.get(f"{BE}/contacts/10000007").json()
    assert contact["id"] == "10000007" and contact["name"]
    assert set(contact["address"]) == {"street", "house_number", "postal_code", "city", "country"}
    assert contact["address"]["country"] == "BE" and len(contact["address"]["postal_code"]) == 4


def test_search_debtors_by_text(api):
    city = api.get(f"{NL}/contacts/10000004").json()["address"]["city"]
    found = api.get(f"{NL}/contacts", query=city.lower(), per_page=100).json()
    assert found and all(
        city.lower() in (c["address"]["city"] + c["name"] + c["email"]).lower() for c in found
    )


def test_paging_with_a_link_header(api):
    first = api.get(f"{NL}/contacts", per_page=25)
    assert len(first.json()) == 25
    link = first.headers["Link"]
    assert 'page=2>; rel="next"' in link and 'page=3>; rel="last"' in link and 'rel="prev"' not in link
    last = api.get(f"{NL}/contacts", per_page=25, page=3)
    assert len(last.json()) == 10 and 'page=2>; rel="prev"' in last.headers["Link"]
    assert 'rel="next"' not in last.headers["Link"]


def test_products_by_id_and_by_sku(api):
    by_sku = api.get(f"{NL}/products", sku="SKU-NL-0002").json()
    assert len(by_sku) == 1
    product = api.get(f"{NL}/products/{by_sku[0]['id']}").json()
    assert product == by_sku[0]
    assert product["description"] == "Theepot keramiek"
    assert product["price"] == {"amount": "24.50", "currency": "EUR", "vat_included": False}
    assert api.get(f"{NL}/products", sku="sku-nl-0002").json() == []


def test_transactions_over_past_years_by_number_date_range_and_reference(api):
    all_2024 = api.get(
        f"{NL}/financial_transactions", date_from="2024-01-01", date_to="2024-12-31", per_page=100
    )
    found = all_2024.json()
    assert len(found) == 40 and all(t["date"].startswith("2024") for t in found)
    one = found[7]
    assert api.get(f"{NL}/financial_transactions", number=one["number"]).json() == [one]
    assert api.get(f"{NL}/financial_transactions", reference=one["reference"]).json() == [one]
    on_day = api.get(f"{NL}/financial_transactions", date=one["date"], per_page=100).json()
    assert one in on_day and all(t["date"] == one["date"] for t in on_day)
    both = api.get(f"{NL}/financial_transactions", number=one["number"], date="2023-01-01").json()
    assert both == []
    assert api.get(f"{NL}/financial_transactions/{one['id']}").json() == one


def test_world_transactions_add_up_and_balance(api):
    for t in api.get(f"{BE}/financial_transactions", per_page=100).json():
        debit = sum(float(p["debit"]) for p in t["postings"])
        credit = sum(float(p["credit"]) for p in t["postings"])
        assert round(debit - credit, 2) == 0, t["number"]
        if t["kind"] != "memorial":
            vat = sum(float(v["vat"]) for v in t["vat_totals"])
            assert round(float(t["total_excl_vat"]) + vat - float(t["total_incl_vat"]), 2) == 0


def test_unknown_records_are_404_in_the_error_body(api):
    for path in (
        f"{NL}/contacts/19999999",
        f"{NL}/products/29999999",
        f"{NL}/financial_transactions/39999999",
        "/accounting/api/v1/424242/vat_rates",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
