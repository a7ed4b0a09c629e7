"""An expense note as XML. CodaBox's own format is not public: these elements are the sandbox's own."""

from __future__ import annotations

from lxml import etree

from sandbox.apis.codabox.invoices import ExpenseNote


def render(note: ExpenseNote) -> bytes:
    root = etree.Element("ExpenseNote")
    for tag, text in (
        ("Number", note.number),
        ("Date", note.day.isoformat()),
        ("EnterpriseNumber", note.company.enterprise_number),
        ("Company", note.company.name),
        ("Employee", note.employee),
        ("Category", note.category),
        ("Merchant", note.merchant),
        ("Currency", "EUR"),
        ("AmountInclVat", f"{note.amount:.2f}"),
        ("VatRate", f"{note.vat_rate:.2f}"),
        ("VatAmount", f"{note.vat:.2f}"),
    ):
        etree.SubElement(root, tag).text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
