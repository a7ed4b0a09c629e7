"""CODA version 2 files: Febelfin's 128-character records, one statement after another.

Record layout as in `shared/apis/coda.md` (0-based, end-exclusive slices). A file is encoded as
windows-1252, the CODA character set; names are written as plain ASCII unless the statement keeps
its accents, because some clients read CODA as ASCII.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.apis.codabox.statements import Movement, Statement
from sandbox.worlds.names import plain

RECORD_LENGTH = 128
ENCODING = "windows-1252"


class _Record:
    def __init__(self, identification: str):
        self.chars = [" "] * RECORD_LENGTH
        self.put(0, identification)

    def put(self, start: int, text: str, width: int | None = None) -> _Record:
        text = (text if width is None else text[:width].ljust(width))[: RECORD_LENGTH - start]
        self.chars[start : start + len(text)] = text
        return self

    def line(self) -> str:
        return "".join(self.chars)


def _date(day: date) -> str:
    return f"{day:%d%m%y}"


def _amount(amount: Decimal) -> str:
    """Sign digit (0 credit, 1 debit) and 15 digits with three implied decimals."""
    return ("1" if amount < 0 else "0") + _unsigned(amount)


def _unsigned(amount: Decimal) -> str:
    return f"{int(abs(amount) * 1000):015d}"


def _account(statement: Statement) -> str:
    """The 37 characters of account and currency shared by records 1 and 8 (an IBAN: structure 2 or 3)."""
    return statement.iban.ljust(34) + statement.currency


class _Writer:
    def __init__(self, statement: Statement, duplicate: bool):
        self.statement, self.duplicate = statement, duplicate
        self.counted = 0  # records 1, 2.x, 3.x and 8: what record 9 counts

    def text(self, value: str) -> str:
        return value if self.statement.accented else plain(value)

    def records(self, last: bool) -> list[str]:
        s = self.statement
        out = [self.header(), self.old_balance()]
        for movement in s.movements:
            out += self.movement(movement)
            for detail in movement.details:
                out += self.movement(detail)
        out.append(
            _Record("8")
            .put(1, f"{s.number:03d}")
            .put(4, _account(s))
            .put(41, _amount(s.new_balance))
            .put(57, _date(s.new_balance_date))
            .put(127, "1" if s.free_message else "0")
            .line()
        )
        if s.free_message:
            out.append(
                _Record("4").put(2, "00000000").put(32, self.text(s.free_message), 80).put(127, "0").line()
            )
        self.counted = sum(1 for r in out if r[0] in "1238")
        out.append(
            _Record("9")
            .put(16, f"{self.counted:06d}")
            .put(22, _unsigned(s.total_debit))
            .put(37, _unsigned(s.total_credit))
            .put(127, "2" if last else "1")
            .line()
        )
        return out

    def header(self) -> str:
        s = self.statement
        return (
            _Record("0")
            .put(1, "0000")
            .put(5, _date(s.created))
            .put(11, s.bank_code)
            .put(14, "05")
            .put(16, "D" if self.duplicate else " ")
            .put(24, f"{s.new_balance_date:%y%m%d}{s.number:03d}0")
            .put(34, self.text(s.holder_name), 26)
            .put(60, s.bic, 11)
            .put(71, f"0{s.holder_enterprise_number or '0' * 10}")
            .put(127, "2")
            .line()
        )

    def old_balance(self) -> str:
        s = self.statement
        return (
            _Record("1")
            .put(1, "2" if s.iban.startswith("BE") else "3")  # Belgian or foreign IBAN
            .put(2, f"{s.number:03d}")
            .put(5, _account(s))
            .put(42, _amount(s.old_balance))
            .put(58, _date(s.old_balance_date))
            .put(64, self.text(s.holder_name), 26)
            .put(90, self.text(s.description), 35)
            .put(125, f"{s.number:03d}")
            .line()
        )

    def movement(self, m: Movement) -> list[str]:
        s = self.statement
        ids = f"{m.sequence:04d}{m.detail:04d}"
        has_party = bool(m.counterparty_iban)
        has_information = bool(m.information)
        first = (
            _Record("2")
            .put(1, "1")
            .put(2, ids)
            .put(10, m.bank_reference, 21)
            .put(31, _amount(m.amount))
            .put(47, _date(m.value_date))
            .put(53, m.transaction_code)
            .put(115, _date(m.entry_date))
            .put(121, f"{s.number:03d}")
            .put(124, "1" if m.details else "0")
            .put(125, "1" if has_party or m.client_reference else "0")
            .put(127, "1" if has_information and not has_party and not m.client_reference else "0")
        )
        if m.structured:
            first.put(61, "1").put(62, "101").put(65, m.structured)
        else:
            first.put(61, "0").put(62, self.text(m.communication), 53)
        out = [first.line()]
        if has_party or m.client_reference:
            out.append(
                _Record("2")
                .put(1, "2")
                .put(2, ids)
                .put(63, m.client_reference, 35)
                .put(98, m.counterparty_bic, 11)
                .put(125, "1" if has_party else "0")
                .put(127, "1" if has_information and not has_party else "0")
                .line()
            )
        if has_party:
            out.append(
                _Record("2")
                .put(1, "3")
                .put(2, ids)
                .put(10, m.counterparty_iban.ljust(34) + s.currency)
                .put(47, self.text(m.counterparty_name), 35)
                .put(125, "0")
                .put(127, "1" if has_information else "0")
                .line()
            )
        if has_information:
            text = self.text(m.information)
            out.append(
                _Record("3")
                .put(1, "1")
                .put(2, ids)
                .put(10, m.bank_reference, 21)
                .put(31, m.transaction_code)
                .put(39, "0")
                .put(40, text, 73)
                .put(125, "1" if len(text) > 73 else "0")
                .put(127, "0")
                .line()
            )
            if len(text) > 73:
                out.append(
                    _Record("3")
                    .put(1, "2")
                    .put(2, ids)
                    .put(10, text[73:], 105)
                    .put(125, "0")
                    .put(127, "0")
                    .line()
                )
        return out


def render(statements: Sequence[Statement], duplicate: bool = False) -> bytes:
    """One CODA file holding these statements, in order."""
    lines: list[str] = []
    for n, statement in enumerate(statements, start=1):
        lines += _Writer(statement, duplicate).records(last=n == len(statements))
    return ("\n".join(lines) + "\n").encode(ENCODING, "replace")


def metadata(statements: Sequence[Statement]) -> dict[str, Any]:
    """What a CodaBox feed entry says about a CODA file, from the statements the file is made of."""
    first, last = statements[0], statements[-1]
    return {
        "movement_count": sum(s.movement_count for s in statements),
        "first_statement_number": first.number,
        "last_statement_number": last.number,
        "new_balance_date": last.new_balance_date.isoformat(),
        "iban": first.iban,
        "bank_id": first.bic,
        "currency": first.currency,
        "extension_zone": first.extension,
    }
