from __future__ import annotations

import io
from datetime import timedelta

import pytest
from lxml import etree
from pypdf import PdfReader

from sandbox.apis.codabox import expenses, invoices, pdfs
from tests.codabox.conftest import accented_client, coda_clients, first_coda_day


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_coda_mandate_names_the_client_the_ibans_the_bank_and_the_office(world):
    client = accented_client(world)
    mandate = next(m for m in world.mandates(client.id) if m.kind == "coda" and len(m.ibans) >= 1)
    text = text_of(pdfs.mandate_pdf(world, mandate))
    bank = world.banks[mandate.bank_id]
    office = world.office(client.office_id)
    for value in (client.name, client.enterprise_number, bank.name, bank.bic, office.name, *mandate.ibans):
        assert value in text


def test_the_mandate_of_an_online_signing_bank_shows_its_signing_url(world):
    mandate = next(
        m
        for o in world.offices
        for c in world.clients(o.id)
        for m in world.mandates(c.id)
        if m.kind == "coda" and m.twikey_url
    )
    assert mandate.twikey_url in text_of(pdfs.mandate_pdf(world, mandate)).replace("\n", "")


def test_the_soda_mandate_names_the_client_and_the_office(world):
    mandate = next(
        m
        for o in world.offices
        for c in world.clients(o.id)
        for m in world.mandates(c.id)
        if m.kind == "soda"
    )
    text = text_of(pdfs.mandate_pdf(world, mandate))
    assert world.client(mandate.client_id).name in text and world.office(mandate.office_id).name in text
    assert "SODA" in text


def test_the_statement_pdf_shows_the_same_movements_and_balances(first_90_days):
    statement = max((s for ss in first_90_days.values() for s in ss), key=lambda s: len(s.movements))
    text = text_of(pdfs.statement_pdf(statement))
    assert statement.iban in text and statement.holder_name.split()[0] in text
    for amount in (statement.old_balance, statement.new_balance, *(m.amount for m in statement.movements)):
        assert pdfs.money(amount, "").strip() in text
    for m in statement.movements:
        assert (m.remittance or m.kind.label)[:20] in text.replace("\n", " ")


@pytest.fixture(scope="module")
def an_invoice(world):
    client = coda_clients(world, 2)[1]
    start = first_coda_day(world, client)
    ref = next(
        r for r in world.client_documents(client, start, start + timedelta(90)) if r.model == "sales_invoice"
    )
    return world.document(ref)


def test_the_invoice_pdf_shows_the_same_invoice(an_invoice):
    text = text_of(pdfs.invoice_pdf(an_invoice))
    for value in (
        an_invoice.number,
        an_invoice.supplier.name,
        an_invoice.supplier.vat_number,
        an_invoice.customer.vat_number,
        pdfs.money(an_invoice.total),
        *(line.description for line in an_invoice.lines),
    ):
        assert value in text


def test_the_expense_note_xml_and_pdf_agree(world):
    client = coda_clients(world, 2)[1]
    start = first_coda_day(world, client)
    ref = next(
        r for r in world.client_documents(client, start, start + timedelta(200)) if r.model == "expense"
    )
    note = world.document(ref)
    assert isinstance(note, invoices.ExpenseNote)
    root = etree.fromstring(expenses.render(note))
    assert root.findtext("AmountInclVat") == f"{note.amount:.2f}"
    text = text_of(pdfs.expense_pdf(note))
    assert note.number in text and pdfs.money(note.amount) in text and note.employee in text
