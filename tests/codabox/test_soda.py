from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from lxml import etree
from stdnum.be import vat

from sandbox.apis.codabox import soda


@pytest.fixture(scope="module")
def soda_refs(world):
    refs = []
    for office in world.offices:
        for client in world.clients(office.id):
            refs += [
                r
                for r in world.client_documents(client, date(2024, 1, 1), date(2024, 12, 31))
                if r.model == "soda"
            ]
    return refs


def test_soda_comes_monthly_for_employers_with_an_active_mandate(world, soda_refs):
    assert len(soda_refs) > 12
    by_client: dict[str, list] = {}
    for ref in soda_refs:
        by_client.setdefault(ref.client_id, []).append(ref)
        client = world.client(ref.client_id)
        assert client.employer and not client.natural_person
        mandate = next(m for m in world.mandates(client.id) if m.kind == "soda")
        assert mandate.validity_start <= ref.day
    for refs in by_client.values():
        periods = sorted(r.key[0] for r in refs)
        for before, after in itertools.pairwise(periods):
            assert (after - before) < timedelta(32) and after.day == 1
        for ref in refs:
            assert ref.day.month == (ref.key[0].month % 12) + 1  # a month's SODA comes early next month


def test_the_xml_is_balanced_and_carries_what_readers_need(world, soda_refs):
    for ref in soda_refs:
        document = world.document(ref)
        root = etree.fromstring(soda.render(document))
        assert root.tag == "SocialDocument"
        assert root.findtext("Source") and root.findtext("Social/SeqNumber")
        assert root.findtext("Social/AccountPeriod") == f"{ref.key[0]:%Y%m}"
        number = root.findtext(".//EntNum")
        assert vat.is_valid(number) and number[2:] == world.client(ref.client_id).enterprise_number
        lines = root.findall(".//TransactionLine")
        assert lines and all(line.findtext("SocialPeriod") == f"{ref.key[0]:%Y%m}" for line in lines)
        debit = credit = Decimal(0)
        for accounting in root.iter("Accounting"):
            assert accounting.findtext("Account") and accounting.findtext("Label")
            debit += Decimal(accounting.findtext("Amount/Debit"))
            credit += Decimal(accounting.findtext("Amount/Credit"))
        assert debit == credit == document.total_debit == document.total_credit > 0


def test_no_soda_without_coda_and_none_for_natural_persons(world):
    for office in world.offices:
        for client in world.clients(office.id):
            kinds = [m.kind for m in world.mandates(client.id)]
            if client.natural_person:
                assert kinds == []
            if "soda" in kinds:
                coda_start = min(
                    m.validity_start
                    for m in world.mandates(client.id)
                    if m.kind == "coda" and m.validity_start
                )
                soda_start = next(m.validity_start for m in world.mandates(client.id) if m.kind == "soda")
                assert coda_start < soda_start
