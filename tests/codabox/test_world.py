from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from stdnum.be import iban as be_iban
from stdnum.be import vat

from sandbox.apis.codabox import coda
from sandbox.apis.codabox.world import ALLOWED_FORMATS, BANKS, CodaboxWorld
from sandbox.worlds.calendar import BRUSSELS, is_business_day
from tests.codabox.conftest import accented_client

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BRUSSELS)


def every_client(world):
    return [c for o in world.offices for c in world.clients(o.id)]


def test_offices_and_companies_have_valid_enterprise_numbers(world):
    assert len(world.offices) == 3
    for office in world.offices:
        assert vat.is_valid(office.enterprise_number) and office.name
        magic = len(world.fixture["magic_clients"]) if office.index == 0 else 0
        assert 9 <= len(world.clients(office.id)) - magic <= 14
    companies = [c for c in every_client(world) if not c.natural_person]
    assert all(vat.is_valid(c.enterprise_number) for c in companies)
    numbers = [c.enterprise_number for c in companies] + [o.enterprise_number for o in world.offices]
    assert len(set(numbers)) == len(numbers)


def test_some_clients_are_natural_persons_without_mandates(world):
    persons = [c for c in every_client(world) if c.natural_person]
    assert persons
    assert all(world.mandates(c.id) == () for c in persons)


def test_accounts_are_belgian_ibans_at_real_banks_with_their_bic(world):
    for client in every_client(world):
        assert client.accounts
        for account in client.accounts:
            assert be_iban.is_valid(account.iban)
            assert be_iban.to_bic(account.iban) == account.bank.bic
            assert world.account(account.iban) == (client, account)


def test_banks_tell_whether_they_sign_online(world):
    assert world.banks["TRIOBEBB"].online_signing is False
    assert world.banks["GEBABEBB"].online_signing is True
    assert world.banks["CTBKBEBX"].refusal[0] not in ("R-0", "")
    for client in every_client(world):
        for m in world.mandates(client.id):
            if m.kind == "coda":
                assert (m.twikey_url is not None) == world.banks[m.bank_id].online_signing


def test_coda_mandates_group_a_clients_accounts_per_bank(world):
    for client in every_client(world):
        codas = [m for m in world.mandates(client.id) if m.kind == "coda"]
        if client.natural_person:
            continue
        assert sorted(i for m in codas for i in m.ibans) == sorted(a.iban for a in client.accounts)
        for m in codas:
            assert {world.account(i)[1].bank.bic for i in m.ibans} == {m.bank_id}


def test_the_magic_identifiers_are_where_the_fixture_says(world, fixture_dict):
    first_office = world.clients(world.offices[0].id)
    magic = {spec["role"]: spec for spec in fixture_dict["magic_clients"]}
    never = world.client_by_enterprise_number(magic["never_signs"]["enterprise_number"])
    assert never in first_office and never.never_signs
    assert {m.state_at(NOW) for m in world.mandates(never.id)} == {"awaiting_signature"}
    accented = accented_client(world)
    assert accented.name == "Brasserie Hélène & Frères SRL" and not accented.name.isascii()
    assert all(m.state_at(NOW) == "active" for m in world.mandates(accented.id))
    holder, _ = world.account(fixture_dict["magic_ibans"]["linked_to_another_office"])
    assert holder.office_id == world.offices[1].id
    assert be_iban.is_valid(fixture_dict["magic_ibans"]["linked_under_another_platform"])
    refused = [
        m for c in every_client(world) for m in world.mandates(c.id) if m.bank_id == "CTBKBEBX" and m.reason
    ]
    assert refused and all(m.state_at(NOW) == "problem" and m.reason_code == "R-3" for m in refused)


def test_the_same_seed_gives_the_same_world_and_another_tenant_another(world, fixture_dict):
    again = CodaboxWorld("test-seed", "t-codabox", fixture_dict)
    other = CodaboxWorld("test-seed", "t-other", fixture_dict)
    assert again.offices == world.offices
    assert [c.name for c in every_client(again)] == [c.name for c in every_client(world)]
    assert [c.name for c in every_client(other)] != [c.name for c in every_client(world)]


def _coda_bytes_in_a_fresh_process(hash_seed: str) -> bytes:
    script = (
        "import sys, yaml; from datetime import date\n"
        "from sandbox.apis.codabox.world import CodaboxWorld; from sandbox.apis.codabox import coda\n"
        "w = CodaboxWorld('test-seed', 't-codabox', yaml.safe_load(open('fixtures/codabox.yaml')))\n"
        "refs = w.documents(w.offices[0].id, date(2025, 3, 3), date(2025, 3, 7))\n"
        "refs = [r for r in refs if r.model == 'coda']\n"
        "sys.stdout.buffer.write(b''.join(coda.render([w.statement(*r.key)]) for r in refs))\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, check=True
    ).stdout


def test_files_are_the_same_bytes_in_every_process():
    first = _coda_bytes_in_a_fresh_process("1")
    assert first and first == _coda_bytes_in_a_fresh_process("2")


def test_documents_of_a_range_are_the_documents_of_its_parts(world):
    office = world.offices[0].id
    whole = world.documents(office, date(2025, 3, 1), date(2025, 4, 30))
    parts = world.documents(office, date(2025, 3, 1), date(2025, 3, 31)) + world.documents(
        office, date(2025, 4, 1), date(2025, 4, 30)
    )
    assert sorted(r.id for r in whole) == sorted(r.id for r in parts)
    assert len({r.id for r in whole}) == len(whole)
    assert {r.model for r in whole} == set(ALLOWED_FORMATS)


def test_coda_comes_on_business_days_the_next_morning_in_brussels(world):
    refs = [
        r
        for r in world.documents(world.offices[0].id, date(2025, 4, 14), date(2025, 4, 25))
        if r.model == "coda"
    ]
    days = {r.day for r in refs}
    assert date(2025, 4, 21) not in days  # Easter Monday
    assert date(2025, 4, 18) not in days  # Good Friday: TARGET is closed
    assert all(is_business_day(d, BANKS) for d in days)
    for ref in refs:
        assert ref.available_at.tzinfo == BRUSSELS and ref.available_at.date() == ref.day + timedelta(1)
        statement = world.document(ref)
        assert statement.new_balance_date == ref.day
        assert coda.metadata([statement])["iban"] == ref.key[0]


def test_only_active_mandates_bring_documents(world):
    for client in every_client(world):
        refs = list(world.client_documents(client, date(2025, 1, 1), date(2025, 12, 31)))
        for ref in refs:
            if ref.model == "coda":
                mandate = world.bank_account_mandate(ref.key[0])
                first, last = mandate.active_days()
                assert first <= ref.day and (last is None or ref.day <= last)
        if client.never_signs or client.natural_person:
            assert refs == []
