"""The PDFs of CodaBox: the mandate to sign, a statement, a SODA, an invoice, an expense note and a
credit-card statement.

Each is laid out by the shared one-page writer from the same object the XML and CODA are made of,
so the PDF shows the same names, numbers and amounts.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from sandbox.apis.codabox.caro import CardStatement
from sandbox.apis.codabox.invoices import ExpenseNote, Invoice
from sandbox.apis.codabox.soda import SocialDocument
from sandbox.apis.codabox.statements import Statement
from sandbox.apis.codabox.world import Client, CodaboxWorld, Mandate
from sandbox.documents.pdf import Document, Table, render
from sandbox.worlds.calendar import BRUSSELS


def money(amount: Decimal, currency: str = "EUR") -> str:
    return f"{amount:,.2f} {currency}".replace(",", " ")


def _at_noon(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=BRUSSELS)


def mandate_pdf(world: CodaboxWorld, mandate: Mandate, client: Client | None = None) -> bytes:
    """The mandate document the client signs: the client, the office, and for CODA the bank and IBANs."""
    client = client or world.client(mandate.client_id)
    office = world.office(mandate.office_id)
    if client is None or office is None:
        raise ValueError(f"mandate {mandate.id} names no client or office of this world")
    ordered = mandate.history[0][0]
    fields = [
        ("Mandate", mandate.id),
        ("Ordered on", ordered.strftime("%d/%m/%Y %H:%M")),
        ("Client", client.name),
        ("Enterprise number", client.enterprise_number or "-"),
        ("Address", f"{client.address.street}, {client.address.zip} {client.address.city}"),
        ("Represented by", client.representative_name),
        ("Accounting office", office.name),
        ("Office enterprise number", office.enterprise_number),
    ]
    table = None
    if mandate.kind == "coda":
        bank = world.banks[mandate.bank_id or ""]
        fields += [("Bank", bank.name), ("BIC", bank.bic)]
        fields.append(("Signing", f"online: {mandate.twikey_url}" if mandate.twikey_url else "on paper"))
        rows = [(iban, "EUR", bank.name) for iban in mandate.ibans]
        table = Table(header=("IBAN", "Currency", "Bank"), rows=rows, widths=(70, 30, 90))
        title = "CODA mandate"
        purpose = (
            f"{client.name} authorises {bank.name} to send the CODA statements of the accounts below, "
            f"through CodaBox, to {office.name}."
        )
    else:
        title = "SODA mandate"
        purpose = (
            f"{client.name} authorises its social secretariat to send its SODA files, "
            f"through CodaBox, to {office.name}."
        )
    return render(
        Document(
            title=title,
            subtitle=client.name,
            created=ordered,
            author="CodaBox sandbox",
            fields=fields,
            table=table,
            footnote=purpose + " Signature: ______________________",
            keywords=(mandate.kind, mandate.id),
        )
    )


def statement_pdf(statement: Statement) -> bytes:
    s = statement
    rows = []
    for m in s.movements:
        rows.append(
            (
                f"{m.sequence:04d}",
                f"{m.value_date:%d/%m/%Y}",
                (m.counterparty_name or m.kind.label)[:28],
                m.remittance[:34],
                money(m.amount, ""),
            )
        )
    return render(
        Document(
            title=f"Statement {s.number:03d}/{s.new_balance_date:%Y}",
            subtitle=s.holder_name,
            created=_at_noon(s.created),
            author=s.bank_name,
            fields=[
                ("Account", s.iban),
                ("Bank", f"{s.bank_name} ({s.bic})"),
                ("Old balance", f"{money(s.old_balance, s.currency)} on {s.old_balance_date:%d/%m/%Y}"),
                ("New balance", f"{money(s.new_balance, s.currency)} on {s.new_balance_date:%d/%m/%Y}"),
                ("Movements", str(s.movement_count)),
            ],
            table=Table(
                header=("No.", "Value date", "Counterparty", "Communication", "Amount"),
                rows=rows,
                widths=(14, 24, 56, 66, 30),
                align="LLLLR",
            ),
            keywords=(s.iban, str(s.number)),
        )
    )


def invoice_pdf(invoice: Invoice) -> bytes:
    rows = [
        (
            line.description,
            f"{line.quantity}",
            money(line.unit_price, ""),
            f"{line.vat_rate}%",
            money(line.net, ""),
        )
        for line in invoice.lines
    ]
    c = invoice.structured_communication
    return render(
        Document(
            title="Credit note" if invoice.credit_note else "Invoice",
            subtitle=invoice.number,
            created=_at_noon(invoice.issue_date),
            author=invoice.supplier.name,
            fields=[
                ("Supplier", f"{invoice.supplier.name} - {invoice.supplier.vat_number}"),
                ("Customer", f"{invoice.customer.name} - {invoice.customer.vat_number}"),
                ("Issue date", f"{invoice.issue_date:%d/%m/%Y}"),
                ("Due date", f"{invoice.due_date:%d/%m/%Y}"),
                ("Net total", money(invoice.net_total, invoice.currency)),
                ("VAT", money(invoice.vat_total, invoice.currency)),
                ("Total", money(invoice.total, invoice.currency)),
                ("Pay to", f"{invoice.supplier.iban} +++{c[:3]}/{c[3:7]}/{c[7:]}+++"),
            ],
            table=Table(
                header=("Description", "Quantity", "Unit price", "VAT", "Net"),
                rows=rows,
                widths=(70, 25, 35, 20, 40),
                align="LRRRR",
            ),
            keywords=(invoice.number,),
        )
    )


def expense_pdf(note: ExpenseNote) -> bytes:
    return render(
        Document(
            title="Expense note",
            subtitle=note.number,
            created=_at_noon(note.day),
            author=note.company.name,
            fields=[
                ("Company", note.company.name),
                ("Employee", note.employee),
                ("Date", f"{note.day:%d/%m/%Y}"),
                ("Category", note.category),
                ("Merchant", note.merchant),
                ("Amount", money(note.amount)),
                (f"VAT {note.vat_rate}%", money(note.vat)),
            ],
            keywords=(note.number,),
        )
    )


def soda_pdf(document: SocialDocument) -> bytes:
    """The payroll booking of a month, line by line, as the SODA XML holds it."""
    rows = [(line.account, line.label, money(line.debit), money(line.credit)) for line in document.lines]
    rows.append(("", "Total", money(document.total_debit), money(document.total_credit)))
    return render(
        Document(
            title="SODA",
            subtitle=f"{document.enterprise_name} {document.period:%m/%Y}",
            created=_at_noon(document.generated),
            author=document.source,
            fields=[
                ("Enterprise", document.enterprise_name),
                ("Enterprise number", document.enterprise_number),
                ("Period", f"{document.period:%Y-%m}"),
                ("Social secretariat", document.source),
            ],
            table=Table(header=("Account", "Label", "Debit", "Credit"), rows=rows, widths=(30, 80, 40, 40)),
            keywords=("soda", f"{document.period:%Y%m}"),
        )
    )


def caro_pdf(statement: CardStatement) -> bytes:
    """A credit-card statement, transaction by transaction, as the CARO XML holds it."""
    rows = []
    for t in statement.transactions:
        amount = money(t.amount, t.currency)
        debit, credit = (amount, "") if t.sign == "D" else ("", amount)
        rows.append((f"{t.day:%d/%m/%Y}", t.merchant, debit, credit))
    rows.append(("", "Total", money(statement.total_debit), money(statement.total_credit)))
    return render(
        Document(
            title="Credit card statement",
            subtitle=f"{statement.company_name} {statement.billing_period}",
            created=_at_noon(statement.issued),
            author=statement.card.bank.name,
            fields=[
                ("Company", statement.company_name),
                ("Company number", statement.enterprise_number),
                ("Card holder", statement.card.holder),
                ("Card", f"{statement.card.brand} {statement.card.masked_number}"),
                ("Billing period", statement.billing_period),
                ("Opening balance", money(statement.opening)),
                ("Closing balance", money(statement.closing)),
            ],
            table=Table(header=("Date", "Merchant", "Debit", "Credit"), rows=rows, widths=(30, 80, 40, 40)),
            keywords=("caro", statement.billing_period),
        )
    )


def uploaded_invoice_pdf(summary: dict[str, str]) -> bytes:
    """A sales invoice a client uploaded, as the accountant's feed shows it: what its UBL says
    (a part the UBL leaves empty shows as a dash)."""
    summary = {key: value or "-" for key, value in summary.items()}
    return render(
        Document(
            title="Credit note" if summary["document_type"] == "credit_note" else "Invoice",
            subtitle=summary["invoice_number"],
            created=datetime.fromisoformat(summary["received"]),
            author=summary["seller"],
            fields=[
                ("Number", summary["invoice_number"]),
                ("Issue date", summary["issue_date"]),
                ("Seller", summary["seller"]),
                ("Buyer", summary["buyer"]),
                ("Total", f"{summary['total']} {summary['currency']}"),
            ],
            footnote="Sent through Peppol by the client's invoicing software.",
            keywords=(summary["invoice_number"],),
        )
    )
