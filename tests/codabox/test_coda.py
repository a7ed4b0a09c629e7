from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from pycoda.codafile import CodaFile

from sandbox.apis.codabox import coda
from sandbox.apis.codabox.world import BANKS
from sandbox.worlds.calendar import add_business_days
from tests.codabox.conftest import accented_client
from tests.codabox.external import FEBELFIN_CODA, PYCODA, read_back


@pytest.fixture(scope="module")
def files(first_90_days, tmp_path_factory):
    """One CODA file per statement, plus one file holding a whole account's statements."""
    folder = tmp_path_factory.mktemp("coda")
    out = []
    for iban, statements in first_90_days.items():
        for statement in statements:
            path = folder / f"{iban}-{statement.new_balance_date}.cod"
            path.write_bytes(coda.render([statement]))
            out.append((path, [statement]))
    iban, statements = next(iter(first_90_days.items()))
    path = folder / f"{iban}-all.cod"
    path.write_bytes(coda.render(statements))
    out.append((path, statements))
    for name, statement in unusual_statements(statements[0]).items():
        path = folder / f"{name}.cod"
        path.write_bytes(coda.render([statement]))
        out.append((path, [statement]))
    return out


def unusual_statements(statement):
    """A day without movements, and a foreign account (a Dutch IBAN: account structure 3)."""
    return {
        "no-movements": replace(statement, movements=(), new_balance=statement.old_balance, free_message=""),
        "foreign": replace(statement, iban="NL91ABNA0417164300", bic="ABNANL2A"),
    }


def test_a_day_without_movements_has_only_the_balance_records(first_90_days):
    statement = unusual_statements(next(iter(first_90_days.values()))[0])["no-movements"]
    lines = coda.render([statement]).decode(coda.ENCODING).splitlines()
    assert [line[0] for line in lines] == ["0", "1", "8", "9"]
    assert lines[-1][16:22] == "000002"
    assert coda.metadata([statement])["movement_count"] == 0


def test_a_foreign_iban_is_account_structure_3(first_90_days):
    statement = unusual_statements(next(iter(first_90_days.values()))[0])["foreign"]
    record = coda.render([statement]).decode(coda.ENCODING).splitlines()[1]
    assert record[1] == "3" and record[5:39].rstrip() == "NL91ABNA0417164300" and record[39:42] == "EUR"


def test_a_sample_of_ninety_days_has_every_record_kind(files):
    text = b"".join(path.read_bytes() for path, _ in files).decode(coda.ENCODING)
    kinds = {line[:2] if line[0] in "23" else line[0] for line in text.splitlines()}
    assert kinds == {"0", "1", "21", "22", "23", "31", "32", "4", "8", "9"}
    assert len(files) > 150


def test_every_record_is_128_characters(files):
    for path, _ in files:
        lines = path.read_bytes().decode(coda.ENCODING).split("\n")
        assert lines[-1] == ""
        assert {len(line) for line in lines[:-1]} == {128}, path.name


def test_files_are_ascii_except_for_the_accented_client(world, first_90_days, files):
    accented = {a.iban for a in accented_client(world).accounts}
    non_ascii = {
        s[0].iban for path, s in files if not path.read_bytes().isascii() and s[0].iban in first_90_days
    }
    assert non_ascii and non_ascii <= accented
    sample = coda.render([first_90_days[sorted(non_ascii)[0]][0]]).decode(coda.ENCODING)
    assert "Brasserie Hélène & Frères" in sample


def test_the_sample_has_overdrafts_and_credits_and_debits(first_90_days):
    statements = [s for ss in first_90_days.values() for s in ss]
    assert any(s.new_balance < 0 for s in statements) and any(s.new_balance > 0 for s in statements)
    assert any(s.total_credit and s.total_debit for s in statements)


def test_balances_chain_and_statement_numbers_follow_on(first_90_days):
    for statements in first_90_days.values():
        for statement in statements:
            moved = sum((m.amount for m in statement.movements), Decimal(0))
            assert statement.old_balance + moved == statement.new_balance
        for before, after in itertools.pairwise(statements):
            assert after.old_balance == before.new_balance
            assert after.old_balance_date == before.new_balance_date
            assert add_business_days(after.new_balance_date, -1, BANKS) == before.new_balance_date
            if after.new_balance_date.year == before.new_balance_date.year:
                assert after.number == before.number + 1
            else:
                assert after.number == 1


def test_every_file_passes_febelfin_coda_and_reads_back_as_its_metadata(files):
    parsed = read_back("febelfin-coda", FEBELFIN_CODA, [path for path, _ in files])
    for (path, statements), read in zip(files, parsed, strict=True):
        assert len(read) == len(statements), path.name
        meta = coda.metadata(statements)
        assert read[0]["account"] == meta["iban"] and read[0]["bic"] == meta["bank_id"]
        assert read[0]["currency"] == meta["currency"]
        assert int(read[0]["old_sequence"]) == meta["first_statement_number"]
        assert int(read[-1]["new_sequence"]) == meta["last_statement_number"]
        assert read[-1]["new_balance_date"] == meta["new_balance_date"]
        assert sum(r["movement_count"] for r in read) == meta["movement_count"]
        for r, statement in zip(read, statements, strict=True):
            assert Decimal(r["old_balance"]) == statement.old_balance
            assert Decimal(r["new_balance"]) == statement.new_balance
            assert Decimal(r["total_credit"]) == statement.total_credit
            assert Decimal(r["total_debit"]) == statement.total_debit
            assert r["details"] == sum(len(m.details) for m in statement.movements)
    assert any(r["details"] for file in parsed for r in file), "no collective movement in the sample"


def test_every_file_passes_pycoda(files):
    parsed = read_back("pycoda", PYCODA, [path for path, _ in files])
    for (path, statements), read in zip(files, parsed, strict=True):
        assert len(read) == len(statements), path.name
        for r, statement in zip(read, statements, strict=True):
            assert r["account"] == statement.iban and r["currency"] == statement.currency
            assert round(r["old_balance"], 2) == float(statement.old_balance)
            assert round(r["new_balance"], 2) == float(statement.new_balance)
            assert r["new_balance_date"] == statement.new_balance_date.isoformat()
            assert int(r["coda_seq_number"]) == statement.number
            booked = [m for m in statement.movements for m in (m, *m.details)]
            assert [(int(ref), round(amount, 2)) for ref, amount, _ in r["movements"]] == [
                (m.sequence, float(m.amount)) for m in booked
            ]
            structured = [text for _, _, text in r["movements"] if text.startswith("+++")]
            assert structured == [m.remittance for m in booked if m.structured]


def test_every_file_passes_codapy_and_writes_back_the_same(files):
    for path, _ in files:
        text = path.read_bytes().decode(coda.ENCODING)
        parsed = CodaFile()
        parsed.loads(text)
        assert parsed.dumps(sep="\n") + "\n" == text, path.name


def test_feed_metadata_comes_from_the_statement(first_90_days):
    statements = next(iter(first_90_days.values()))[:3]
    meta = coda.metadata(statements)
    assert meta == {
        "movement_count": sum(len(s.movements) for s in statements),
        "first_statement_number": statements[0].number,
        "last_statement_number": statements[2].number,
        "new_balance_date": statements[2].new_balance_date.isoformat(),
        "iban": statements[0].iban,
        "bank_id": statements[0].bic,
        "currency": "EUR",
        "extension_zone": "",
    }


def test_a_duplicate_is_marked_in_the_header(first_90_days):
    statement = next(iter(first_90_days.values()))[0]
    assert coda.render([statement], duplicate=True)[16:17] == b"D"
    assert coda.render([statement])[16:17] == b" "


def test_no_statement_on_a_weekend_or_before_the_mandate(world, first_90_days):
    first = next(iter(first_90_days.values()))[0]
    saturday = first.new_balance_date + timedelta((5 - first.new_balance_date.weekday()) % 7)
    assert world.statement(first.iban, saturday) is None
    assert world.statement(first.iban, add_business_days(first.new_balance_date, -1, BANKS)) is None
