"""Belgian and Dutch identifiers: every value made passes python-stdnum's validation."""

import random
from datetime import date, timedelta

import pytest
from stdnum import iban
from stdnum.be import iban as be_iban_module
from stdnum.be import nn, vat
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import btw

from sandbox.worlds.identities import (
    be_iban,
    be_phone,
    be_vat_number,
    bsn,
    enterprise_number,
    is_enterprise_number,
    kvk_number,
    national_number,
    nl_iban,
    nl_vat_number,
    person_national_number,
    serial_for_sex,
)

_DRAW = random.Random(3)
DRAWS = [_DRAW.randrange(10**12) for _ in range(300)] + [0, 1, 96, 97, 10**10 - 1]


def test_enterprise_numbers_and_their_vat_numbers_are_valid():
    assert enterprise_number(4030192) == "0403019261"
    for n in DRAWS:
        number = enterprise_number(n)
        assert is_enterprise_number(number) and vat.is_valid(number), number
        assert number[0] in "01" and vat.is_valid(be_vat_number(number))
        assert be_vat_number(number) == "BE" + number


@pytest.mark.parametrize("wrong", ["0403019262", "BE0403019261", "0403.019.261", "2403019261", "040301926"])
def test_numbers_the_services_refuse_are_not_enterprise_numbers(wrong):
    assert not is_enterprise_number(wrong)


def test_belgian_ibans_have_valid_national_and_iban_check_digits():
    for n in DRAWS:
        value = be_iban(n)
        assert len(value) == 16 and iban.is_valid(value) and be_iban_module.is_valid(value), value
    assert be_iban(68_1234567)[4:] == "0681234567" + f"{681234567 % 97:02d}"  # bank 068, then national check


def test_dutch_ibans_are_valid_with_an_eleven_proof_account():
    for n in DRAWS:
        value = nl_iban(n)
        assert value.startswith("NL") and len(value) == 18 and iban.is_valid(value), value
        account = value[8:]
        assert sum(int(d) * w for d, w in zip(account, range(10, 0, -1), strict=True)) % 11 == 0


@pytest.mark.parametrize(
    ("born", "sex"),
    [(date(1985, 7, 14), 1), (date(1999, 12, 31), 2), (date(2000, 1, 1), 1), (date(2013, 2, 28), 2)],
)
def test_national_numbers_match_birth_date_and_sex_including_the_2000_rule(born, sex):
    for n in range(0, 1000, 37):
        number = national_number(born, serial_for_sex(sex, n))
        assert nn.is_valid(number), number
        assert nn.get_birth_date(number) == born
        assert (nn.get_gender(number) == "M") == (sex == 1)
    check_body = int(national_number(born, 1)[:9])
    expected_check = 97 - int(("2" if born.year >= 2000 else "") + str(check_body).zfill(9)) % 97
    assert national_number(born, 1)[9:] == f"{expected_check:02d}"


def test_national_numbers_of_many_birth_days_are_valid():
    day = date(1930, 1, 1)
    while day < date(2025, 1, 1):
        assert nn.get_birth_date(national_number(day, serial_for_sex(2, day.toordinal()))) == day
        day += timedelta(days=97)


def test_a_serial_outside_001_to_998_is_refused():
    with pytest.raises(ValueError, match="001-998"):
        national_number(date(1990, 1, 1), 0)


def test_dutch_citizen_and_vat_numbers_are_valid():
    for n in DRAWS:
        assert stdnum_bsn.is_valid(bsn(n)) and len(bsn(n)) == 9, bsn(n)
        assert btw.is_valid(nl_vat_number(n)), nl_vat_number(n)


def test_kvk_numbers_have_eight_digits():
    assert {len(kvk_number(n)) for n in DRAWS} == {8}
    assert all(kvk_number(n).isdigit() and kvk_number(n)[0] != "0" for n in DRAWS)


def test_belgian_phone_numbers_read_as_people_write_them():
    rng = random.Random(1)
    mobile, landline = be_phone(rng, True), be_phone(rng, False)
    assert mobile.startswith("04") and [len(part) for part in mobile.split()] == [4, 2, 2, 2]
    assert landline.startswith("0") and [len(part) for part in landline.split()] == [2, 3, 2, 2]


def test_a_persons_national_number_takes_one_draw_for_its_serial():
    born, first, second = date(2011, 5, 3), random.Random(8), random.Random(8)
    number = person_national_number(first, born, 2)
    assert number == national_number(born, serial_for_sex(2, second.randrange(1000)))
    assert first.random() == second.random()
    assert nn.get_gender(number) == "F" and nn.get_birth_date(number) == born
