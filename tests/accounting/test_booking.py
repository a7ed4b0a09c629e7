"""Adding debtors, products and financial transactions: 200 with the fields of seed 003 item 6,
400 naming each field at fault (item 7), totals that add up, postings on the ledger named, and
references that make retries safe (item 9)."""

from tests.accounting.conftest import BE, NL, error_of, fields_of, invoice

ADDRESS = {
    "street": "Kerkstraat",
    "house_number": "12",
    "postal_code": "1017 GC",
    "city": "Amsterdam",
    "country": "NL",
}


def test_adding_a_debtor_answers_200_with_id_name_and_address(api):
    response = api.post(
        f"{NL}/contacts",
        {"company_name": "Fietsen Jansen B.V.", "email": "Info@Fietsen-Jansen.nl", "address": ADDRESS},
    )
    assert response.status_code == 200
    contact = response.json()
    assert contact["name"] == "Fietsen Jansen B.V." and contact["address"] == ADDRESS and contact["id"]
    assert api.get(f"{NL}/contacts/{contact['id']}").json() == contact
    assert api.get(f"{NL}/contacts", email="info@fietsen-jansen.nl").json() == [contact]


def test_a_debtor_with_a_bad_email_is_refused_naming_the_field(api):
    error = error_of(
        api.post(f"{NL}/contacts", {"lastname": "Jansen", "email": "jansen@@example", "address": ADDRESS}),
        400,
    )
    assert error["code"] == "invalid_email" and fields_of(error) == {"email": "invalid_email"}
    assert "email" in error["message"]["value"]


def test_a_debtor_without_a_name_or_address_is_refused(api):
    error = error_of(api.post(f"{NL}/contacts", {"email": "a@example.nl", "address": ADDRESS}), 400)
    assert fields_of(error) == {"company_name": "validation_failed"}
    error = error_of(api.post(f"{NL}/contacts", {"lastname": "X", "email": "a@example.nl"}), 400)
    assert error["code"] == "validation_failed" and "address" in error["message"]["value"]


def test_adding_a_product_answers_200_and_is_found_by_sku(api):
    body = {
        "sku": "TST-1",
        "description": "Testproduct",
        "price": "9.5",
        "vat_code": "BE6",
        "ledger_account_code": "700000",
    }
    response = api.post(f"{BE}/products", body)
    assert response.status_code == 200
    product = response.json()
    assert product["price"] == {"amount": "9.50", "currency": "EUR", "vat_included": False}
    assert api.get(f"{BE}/products", sku="TST-1").json() == [product]
    error = error_of(
        api.post(f"{BE}/products", {**body, "vat_code": "NL21", "ledger_account_code": "8000"}), 400
    )
    assert fields_of(error) == {
        "vat_code": "unknown_vat_code",
        "ledger_account_code": "unknown_ledger_account",
        "sku": "duplicate_sku",
    }


def test_an_invoice_is_totalled_per_vat_rate_and_posted_to_its_ledger(api):
    response = api.post(f"{NL}/financial_transactions", invoice())
    assert response.status_code == 200
    t = response.json()
    assert t["id"] and t["number"] == "VK2026-00001"
    assert [line["amount"] for line in t["lines"]] == ["44.85", "24.50", "6.95"]
    assert t["vat_totals"] == [
        {"vat_code": "NL9", "percentage": "9.00", "base": "44.85", "vat": "4.04"},
        {"vat_code": "NL21", "percentage": "21.00", "base": "31.45", "vat": "6.60"},
    ]
    assert (t["total_excl_vat"], t["total_vat"], t["total_incl_vat"]) == ("76.30", "10.64", "86.94")
    assert t["due_date"] == "2026-11-30"
    posted = {p["ledger_account_code"]: (p["debit"], p["credit"]) for p in t["postings"]}
    assert posted == {
        "1300": ("86.94", "0.00"),
        "8010": ("0.00", "44.85"),
        "8000": ("0.00", "31.45"),
        "1520": ("0.00", "4.04"),
        "1510": ("0.00", "6.60"),
    }
    assert api.get(f"{NL}/financial_transactions/{t['id']}").json() == t
    assert api.get(f"{NL}/financial_transactions", reference="SHOP-1001").json() == [t]


def test_a_credit_note_posts_the_other_way(api):
    t = api.post(f"{NL}/financial_transactions", invoice(kind="credit_note", reference="SHOP-CN-1")).json()
    assert t["total_incl_vat"] == "-86.94"
    posted = {p["ledger_account_code"]: (p["debit"], p["credit"]) for p in t["postings"]}
    assert posted["1300"] == ("0.00", "86.94") and posted["8000"] == ("31.45", "0.00")


def test_the_same_create_sent_again_returns_the_first_record(api):
    first = api.post(f"{NL}/financial_transactions", invoice()).json()
    again = api.post(f"{NL}/financial_transactions", invoice())
    assert again.status_code == 200 and again.json() == first
    assert len(api.get(f"{NL}/financial_transactions", reference="SHOP-1001").json()) == 1


def test_another_transaction_with_a_used_reference_is_refused(api):
    api.post(f"{NL}/financial_transactions", invoice())
    error = error_of(api.post(f"{NL}/financial_transactions", invoice(date="2026-11-15")), 400)
    assert error["code"] == "duplicate_reference" and fields_of(error) == {"reference": "duplicate_reference"}
    world_reference = api.get(f"{NL}/financial_transactions", per_page=1).json()[0]["reference"]
    error = error_of(api.post(f"{NL}/financial_transactions", invoice(reference=world_reference)), 400)
    assert fields_of(error) == {"reference": "duplicate_reference"}


def test_missing_journal_condition_and_profile_are_named_where_the_administration_requires_them(api):
    body = invoice(journal_code=None, payment_condition_code=None, invoice_profile_id=None)
    error = error_of(api.post(f"{NL}/financial_transactions", body), 400)
    assert error["code"] == "validation_failed"
    assert fields_of(error) == {
        "journal_code": "journal_required",
        "payment_condition_code": "payment_condition_required",
        "invoice_profile_id": "invoice_profile_required",
    }
    for name in ("journal_code", "payment_condition_code", "invoice_profile_id"):
        assert name in error["message"]["value"]


def test_an_administration_that_requires_nothing_takes_the_defaults(api):
    body = invoice(
        journal_code=None,
        payment_condition_code=None,
        invoice_profile_id=None,
        contact_id="10000003",
        lines=[
            {
                "description": "Brood",
                "quantity": "2",
                "unit_price": "3.10",
                "vat_code": "BE6",
                "ledger_account_code": "700000",
            }
        ],
    )
    t = api.post(f"{BE}/financial_transactions", body).json()
    assert (t["journal_code"], t["payment_condition_code"], t["invoice_profile_id"]) == ("VF", "30", None)
    assert (t["total_vat"], t["total_incl_vat"]) == ("0.37", "6.57")
    assert {p["ledger_account_code"] for p in t["postings"]} == {"400000", "700000", "451000"}


def test_unknown_codes_are_each_named(api):
    lines = [
        {
            "description": "x",
            "quantity": "1",
            "unit_price": "1.00",
            "vat_code": "BE21",
            "ledger_account_code": "999",
        },
        {
            "description": "y",
            "quantity": "1",
            "unit_price": "1.00",
            "vat_code": "NL21",
            "ledger_account_code": "8000",
            "product_id": "29999999",
        },
    ]
    body = invoice(
        lines=lines,
        journal_code="XX",
        payment_condition_code="60",
        invoice_profile_id="89999999",
        contact_id="19999999",
    )
    error = error_of(api.post(f"{NL}/financial_transactions", body), 400)
    assert fields_of(error) == {
        "journal_code": "unknown_journal",
        "payment_condition_code": "unknown_payment_condition",
        "invoice_profile_id": "unknown_invoice_profile",
        "contact_id": "unknown_contact",
        "lines[0].vat_code": "unknown_vat_code",
        "lines[0].ledger_account_code": "unknown_ledger_account",
        "lines[1].product_id": "unknown_product",
    }


def test_an_invoice_in_a_memorial_journal_is_refused(api):
    error = error_of(api.post(f"{NL}/financial_transactions", invoice(journal_code="MEM")), 400)
    assert fields_of(error) == {"journal_code": "wrong_journal_type"}


def test_an_invoice_needs_a_debtor_and_lines(api):
    error = error_of(api.post(f"{NL}/financial_transactions", invoice(contact_id=None, lines=[])), 400)
    assert fields_of(error) == {"contact_id": "field_required", "lines": "field_required"}


MEMORIAL = {
    "kind": "memorial",
    "date": "2026-11-16",
    "reference": "MEM-TEST-1",
    "journal_code": "MEM",
    "entries": [
        {"ledger_account_code": "4500", "debit": "100.00", "credit": "0"},
        {"ledger_account_code": "1100", "debit": "0", "credit": "100.00"},
    ],
}


def test_a_balanced_memorial_entry_is_booked(api):
    t = api.post(f"{NL}/financial_transactions", MEMORIAL).json()
    assert t["kind"] == "memorial" and t["number"] == "MEM2026-00001" and t["contact_id"] is None
    assert [(p["ledger_account_code"], p["debit"], p["credit"]) for p in t["postings"]] == [
        ("4500", "100.00", "0.00"),
        ("1100", "0.00", "100.00"),
    ]


def test_an_unbalanced_memorial_entry_is_refused_with_the_difference(api):
    entries = [{**MEMORIAL["entries"][0]}, {**MEMORIAL["entries"][1], "credit": "90.00"}]
    error = error_of(api.post(f"{NL}/financial_transactions", {**MEMORIAL, "entries": entries}), 400)
    assert error["code"] == "unbalanced_entry" and fields_of(error) == {"entries": "unbalanced_entry"}
    assert "differ by 10.00" in error["message"]["value"]


def test_a_memorial_entry_takes_no_invoice_fields(api):
    error = error_of(api.post(f"{NL}/financial_transactions", {**MEMORIAL, "contact_id": "10000001"}), 400)
    assert fields_of(error) == {"contact_id": "field_not_allowed"}


def test_a_body_that_breaks_the_schema_names_each_field(api):
    error = error_of(api.post(f"{NL}/financial_transactions", {"kind": "order", "date": "yesterday"}), 400)
    assert error["code"] == "validation_failed"
    assert fields_of(error) == {
        "date": "validation_failed",
        "kind": "validation_failed",
        "reference": "validation_failed",
    }
    assert "reference: is required" in error["message"]["value"]
