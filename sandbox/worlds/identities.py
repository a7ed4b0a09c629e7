"""Belgian and Dutch identifiers with valid check digits, made from a number or a draw.

Every builder is a pure function, and every value it makes passes python-stdnum's validation (the
tests hold them to it). Checks live here too where the services judge a number the way stdnum does.
"""

from __future__ import annotations

import bisect
import functools
import random
import re
from datetime import date

from stdnum import iban
from stdnum.be import vat as be_vat

ENTERPRISE_NUMBERS = 20_000_000  # 8-digit bases 0000000-19999999: first digit 0 or 1
_ENTERPRISE_NUMBER = re.compile(r"[01]\d{9}")
_NL_BANKS = ("ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ")


# -- Belgium ---------------------------------------------------------------------------------------
def enterprise_number(n: int) -> str:
    """The n-th valid enterprise (KBO/BCE) number, n taken modulo the 20 million there are:
    eight digits and 97 minus their remainder mod 97."""
    base = n % ENTERPRISE_NUMBERS
    return f"{base:08d}{97 - base % 97:02d}"


def is_enterprise_number(value: str) -> bool:
    """An enterprise number as the services take it: 10 digits, no dots or BE, mod-97 check."""
    return bool(_ENTERPRISE_NUMBER.fullmatch(value)) and _valid_check_digits(value)


# a request's number is judged twice (its parameter, then the world), and clients repeat numbers
@functools.lru_cache(maxsize=4096)
def _valid_check_digits(digits: str) -> bool:
    return be_vat.is_valid(digits)


def be_vat_number(enterprise: str) -> str:
    """The VAT number of an enterprise: its enterprise number after `BE`."""
    return "BE" + enterprise


@functools.cache
def _be_bank_codes() -> tuple[int, ...]:
    """The Belgian bank codes python-stdnum knows: an IBAN of another code is refused as unknown."""
    from stdnum import numdb

    banks = numdb.get("be/banks")
    return tuple(code for code in range(1000) if banks.info(f"{code:03d}")[0][1])


def be_iban(n: int) -> str:
    """A valid Belgian IBAN from the last ten digits of n (bank code and account), with the
    national mod-97 check digits and the IBAN check digits. A bank code no bank has moves on to
    the next one in use."""
    bban = n % 10**10
    codes = _be_bank_codes()
    bank = codes[bisect.bisect_left(codes, bban // 10**7) % len(codes)]
    bban = bank * 10**7 + bban % 10**7
    national = bban % 97 or 97
    account = f"{bban:010d}{national:02d}"
    return "BE" + iban.calc_check_digits("BE00" + account) + account


def be_iban_at(bank_code: str, n: int) -> str:
    """A valid Belgian IBAN at the bank with this 3-digit code: the account is n modulo 10^7."""
    bban = int(bank_code) * 10**7 + n % 10**7
    account = f"{bban:010d}{bban % 97 or 97:02d}"
    return "BE" + iban.calc_check_digits("BE00" + account) + account


def structured_communication(n: int) -> str:
    """The 12 digits of a Belgian structured communication (+++ddd/dddd/ddddd+++): ten digits
    from n, and their remainder mod 97 (97 for 0)."""
    body = n % 10**10
    return f"{body:010d}{body % 97 or 97:02d}"


def national_number(born: date, serial: int) -> str:
    """A Belgian national register number: birth date, serial (odd for men, even for women) and
    97 minus the remainder mod 97, computed with a leading 2 for people born from 2000 on."""
    if not 1 <= serial <= 998:
        raise ValueError(f"a national number's serial lies in 001-998, not {serial}")
    body = f"{born:%y%m%d}{serial:03d}"
    checked = int(("2" if born.year >= 2000 else "") + body)
    return body + f"{97 - checked % 97:02d}"


def serial_for_sex(sex: int, n: int) -> int:
    """A national number serial for a sex (1 man: odd, 2 woman: even), the n-th modulo 499."""
    return n % 499 * 2 + (1 if sex == 1 else 2)


def person_national_number(rng: random.Random, born: date, sex: int) -> str:
    """The national number of a person of this birth date and sex, its serial drawn from `rng`."""
    return national_number(born, serial_for_sex(sex, rng.randrange(1000)))


def be_phone(rng: random.Random, mobile: bool) -> str:
    """A Belgian number as people write it: `0475 12 34 56` (mobile) or `09 123 45 67`."""
    pairs = " ".join(f"{rng.randrange(100):02d}" for _ in range(3 if mobile else 2))
    return (
        f"04{rng.choice('6789')}{rng.randrange(10)} {pairs}"
        if mobile
        else f"0{rng.choice('23459')} {rng.randrange(100, 1000)} {pairs}"
    )


# -- the Netherlands --------------------------------------------------------------------------------
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_ACCOUNT_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def _eleven_proof_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    """The last digit that makes sum(digit * weight) divisible by 11, if one exists."""
    total = sum(int(digit) * weight for digit, weight in zip(digits, weights, strict=False))
    last_weight = weights[len(digits)]
    return next((d for d in range(10) if (total + d * last_weight) % 11 == 0), None)


def bsn(n: int) -> str:
    """A valid Dutch citizen service number (BSN): nine digits passing the eleven-proof, where the
    last digit weighs -1. The first valid number from n's eight leading digits on."""
    for start in range(n % 10**8, n % 10**8 + 20):
        head = f"{max(start % 10**8, 10**7):08d}"
        last = _eleven_proof_digit(head, _BSN_WEIGHTS)
        if last is not None:
            return head + str(last)
    raise AssertionError("one of twenty consecutive heads always has an eleven-proof digit")


def nl_vat_number(n: int) -> str:
    """A Dutch VAT (btw) number in its BSN-based form: `NL` + a BSN + `B01`."""
    return f"NL{bsn(n)}B01"


def kvk_number(n: int) -> str:
    """A Dutch Chamber of Commerce (KvK) number: eight digits (no check digit since 2016)."""
    return f"{10**7 + n % (9 * 10**7):08d}"


def nl_iban(n: int) -> str:
    """A valid Dutch IBAN: a bank code and a ten-digit account that passes the eleven-proof, as
    Dutch account numbers did before IBAN."""
    bank = _NL_BANKS[n % len(_NL_BANKS)]
    for start in range(n // len(_NL_BANKS) % 10**9, n // len(_NL_BANKS) % 10**9 + 20):
        head = f"{start % 10**9:09d}"
        last = _eleven_proof_digit(head, _ACCOUNT_WEIGHTS)
        if last is not None:
            account = bank + head + str(last)
            return "NL" + iban.calc_check_digits("NL00" + account) + account
    raise AssertionError("one of twenty consecutive heads always has an eleven-proof digit")
