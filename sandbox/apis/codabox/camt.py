"""A statement as ISO 20022 camt.053.001.02, the XML that Belgian banks send beside CODA."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from lxml import etree

from sandbox.apis.codabox.statements import Movement, Statement
from sandbox.worlds.calendar import BRUSSELS

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _el(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, tags: str, text: str) -> etree._Element:
    for tag in tags.split("/"):
        parent = _el(parent, tag)
    parent.text = text
    return parent


def _amount(parent: etree._Element, tag: str, amount: Decimal, currency: str) -> None:
    _el(parent, tag, f"{abs(amount):.2f}", Ccy=currency)


def _indicator(amount: Decimal) -> str:
    return "DBIT" if amount < 0 else "CRDT"


def render(statement: Statement) -> bytes:
    s = statement
    created = datetime.combine(s.created, time(20, 0), tzinfo=BRUSSELS).isoformat()
    identifier = f"{s.iban}-{s.new_balance_date:%Y}-{s.number:03d}"
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    message = _el(root, "BkToCstmrStmt")
    header = _el(message, "GrpHdr")
    _el(header, "MsgId", identifier)
    _el(header, "CreDtTm", created)
    stmt = _el(message, "Stmt")
    _el(stmt, "Id", identifier)
    _el(stmt, "ElctrncSeqNb", str(s.number))
    _el(stmt, "LglSeqNb", str(s.number))
    _el(stmt, "CreDtTm", created)
    period = _el(stmt, "FrToDt")
    _el(period, "FrDtTm", datetime.combine(s.new_balance_date, time(0), tzinfo=BRUSSELS).isoformat())
    _el(period, "ToDtTm", datetime.combine(s.new_balance_date, time(23, 59, 59), tzinfo=BRUSSELS).isoformat())
    account = _el(stmt, "Acct")
    _path(account, "Id/IBAN", s.iban)
    _el(account, "Ccy", s.currency)
    _path(account, "Ownr/Nm", s.holder_name)
    _path(account, "Svcr/FinInstnId/BIC", s.bic)
    for code, amount, day in (
        ("OPBD", s.old_balance, s.old_balance_date),
        ("CLBD", s.new_balance, s.new_balance_date),
    ):
        balance = _el(stmt, "Bal")
        _path(balance, "Tp/CdOrPrtry/Cd", code)
        _amount(balance, "Amt", amount, s.currency)
        _el(balance, "CdtDbtInd", _indicator(amount))
        _path(balance, "Dt/Dt", day.isoformat())
    summary = _el(stmt, "TxsSummry")
    net = s.total_credit - s.total_debit
    total = _el(summary, "TtlNtries")
    _el(total, "NbOfNtries", str(len(s.movements)))
    _el(total, "Sum", f"{s.total_credit + s.total_debit:.2f}")
    _el(total, "TtlNetNtryAmt", f"{abs(net):.2f}")
    _el(total, "CdtDbtInd", _indicator(net))
    for tag, movements in (
        ("TtlCdtNtries", [m for m in s.movements if m.amount > 0]),
        ("TtlDbtNtries", [m for m in s.movements if m.amount < 0]),
    ):
        part = _el(summary, tag)
        _el(part, "NbOfNtries", str(len(movements)))
        _el(part, "Sum", f"{sum((abs(m.amount) for m in movements), Decimal(0)):.2f}")
    for movement in s.movements:
        _entry(stmt, s, movement)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _entry(stmt: etree._Element, s: Statement, m: Movement) -> None:
    entry = _el(stmt, "Ntry")
    _el(entry, "NtryRef", f"{m.sequence:04d}")
    _amount(entry, "Amt", m.amount, s.currency)
    _el(entry, "CdtDbtInd", _indicator(m.amount))
    _el(entry, "Sts", "BOOK")
    _path(entry, "BookgDt/Dt", m.entry_date.isoformat())
    _path(entry, "ValDt/Dt", m.value_date.isoformat())
    _el(entry, "AcctSvcrRef", m.bank_reference)
    _bank_code(entry, m)
    details = _el(entry, "NtryDtls")
    if m.details:
        batch = _el(details, "Btch")
        _el(batch, "NbOfTxs", str(len(m.details)))
    for transaction in m.details or (m,):
        _transaction(details, s, transaction)
    if m.information:
        _el(entry, "AddtlNtryInf", m.information[:500])


def _bank_code(parent: etree._Element, m: Movement) -> None:
    code = _el(parent, "BkTxCd")
    domain, family, sub_family = m.kind.camt
    domain_el = _el(code, "Domn")
    _el(domain_el, "Cd", domain)
    family_el = _el(domain_el, "Fmly")
    _el(family_el, "Cd", family)
    _el(family_el, "SubFmlyCd", sub_family)
    proprietary = _el(code, "Prtry")
    _el(proprietary, "Cd", m.transaction_code)
    _el(proprietary, "Issr", "FEBELFIN")


def _transaction(details: etree._Element, s: Statement, m: Movement) -> None:
    transaction = _el(details, "TxDtls")
    refs = _el(transaction, "Refs")
    _el(refs, "AcctSvcrRef", m.bank_reference)
    if m.client_reference:
        _el(refs, "EndToEndId", m.client_reference)
    amount = _el(transaction, "AmtDtls")
    _amount(_el(amount, "TxAmt"), "Amt", m.amount, s.currency)
    if m.counterparty_name:
        parties = _el(transaction, "RltdPties")
        role = "Dbtr" if m.amount > 0 else "Cdtr"
        _path(parties, f"{role}/Nm", m.counterparty_name)
        _path(parties, f"{role}Acct/Id/IBAN", m.counterparty_iban)
        agent = "DbtrAgt" if m.amount > 0 else "CdtrAgt"
        _path(_el(transaction, "RltdAgts"), f"{agent}/FinInstnId/BIC", m.counterparty_bic)
    remittance = _el(transaction, "RmtInf")
    if m.structured:
        reference = _el(_el(remittance, "Strd"), "CdtrRefInf")
        kind = _el(reference, "Tp")
        _path(kind, "CdOrPrtry/Cd", "SCOR")
        _el(kind, "Issr", "BBA")
        _el(reference, "Ref", m.structured)
    else:
        _el(remittance, "Ustrd", m.communication[:140])
