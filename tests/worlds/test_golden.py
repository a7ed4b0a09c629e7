"""Golden hashes of the generated worlds: the same seed must give the same data, byte for byte.

A sample of each world, as clients see it on the wire and as the world objects hold it, is
serialised and hashed. A change of any name, number, id, amount or date in the sample changes its
hash; a refactoring of the world code must leave every hash as it is.
"""

import dataclasses
import hashlib
import json
import random
from datetime import date

import pytest
import yaml

from sandbox.apis.informat.staff_roster import roster
from sandbox.apis.informat.world import InformatWorld
from sandbox.apis.nbb_cbso.documents import jsonxbrl_document, xbrl_document
from sandbox.apis.nbb_cbso.views import reference_record
from sandbox.apis.nbb_cbso.world import NbbWorld
from sandbox.spec.formats import FORMAT_BUILDERS
from sandbox.worlds.identities import enterprise_number
from tests.conftest import ROOT, make_client
from tests.informat.helpers import BILLS, STUDENTS, bearer

GOLDEN = {
    # changed once on purpose: a bounded filing population whose every deposit is in the daily
    # extract of its day (the other numbers are companies that never filed)
    "nbb-references": "8e0c09810c4c81e5f5d0264c376f46ab4a58b81a0c76be4dd652c26709c09bef",
    "nbb-companies": "202a74e152568deb54d1a5121421c59561665f16551b6487853976aeb1758567",
    "nbb-deposit": "22dd315dc646c7937e8389d6e306753d47174d3bec0992d1839582fbc62cd45c",
    "nbb-wire": "d61bababafd77f6094769946eef7d060f99d37cc804d0405714dfcfc41eeebc5",
    "informat-students": "adbaf826395b45feae9a94074ae466a9206911e89a7f234d63d1f3e63b54fee9",
    "informat-students-wire": "c01f9667a5c6f2fa16e95e80496b0c50e691253a4a251ccccf2a7e05282f0512",
    "informat-staff": "61ca278e7e02adb7271c3b909bbb73b1ed09d1f31fe1412a430d1db3a1149583",
    "informat-staff-wire": "e42c4d872275c750d3c0a4bb507d51d39d633a8b3d12c5c2e7082e41a4af32e8",
    "informat-bills": "ab5bfff9e55b44130285fcbb6252db22c77874e61655825b186c5dd0567f73d4",
    "informat-bills-wire": "68f8657ca57f07b9c393bde83152ba61d5fdfb4aad234cc36c2a35f5c6e96ee4",
    # changed once on purpose: generated Belgian IBANs of a bank code no bank has (refused by stdnum)
    # moved to a code in use
    "format-builders": "f111b5847a0d2d37aac1d9f0dd2b04e85b2f6a811d527f8f0167cc1429309a86",
}
TODAY = date(2026, 11, 17)
SECONDARY = "012345"


def fixture(name: str) -> dict:
    return yaml.safe_load((ROOT / "fixtures" / f"{name}.yaml").read_text(encoding="utf-8"))


def digest(value) -> str:
    """sha256 of a canonical JSON form: dataclasses become dicts of their fields, bytes their sha256."""

    def plain(item):
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            return {f.name: plain(getattr(item, f.name)) for f in dataclasses.fields(item)}
        if isinstance(item, dict):
            return {str(key): plain(val) for key, val in item.items()}
        if isinstance(item, list | tuple):
            return [plain(val) for val in item]
        if isinstance(item, bytes):
            return hashlib.sha256(item).hexdigest()
        return item if isinstance(item, str | int | float | bool | type(None)) else str(item)

    text = json.dumps(plain(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def nbb() -> NbbWorld:
    return NbbWorld("sandbox", "demo", fixture("nbb-cbso"))


@pytest.fixture(scope="module")
def informat() -> InformatWorld:
    return InformatWorld("sandbox", "demo", fixture("informat"))


def sample_numbers() -> list[str]:
    rng = random.Random(20261117)
    magic = [str(item["enterprise_number"]) for item in fixture("nbb-cbso")["magic_companies"]]
    return magic + [enterprise_number(rng.randrange(20_000_000)) for _ in range(15)]


def ok(answer) -> dict | list:
    assert answer.status_code == 200, answer.text
    return answer.json()


def assert_golden(name: str, value) -> None:
    assert digest(value) == GOLDEN[name], f"the {name} sample changed"


def test_nbb_references_are_unchanged(nbb):
    records = [
        reference_record(deposit, "https://ws.cbso.nbb.be")
        for number in sample_numbers()
        for deposit in nbb.deposits(number, TODAY)
    ]
    records += [
        reference_record(deposit, "https://ws.cbso.nbb.be") for deposit in nbb.batch(date(2026, 6, 30))
    ]
    improvements = [nbb.improvements(number, TODAY) for number in sample_numbers()]
    assert_golden("nbb-references", [records, improvements, nbb.improved_batch(date(2025, 3, 12))])


def test_nbb_companies_are_unchanged(nbb):
    assert_golden("nbb-companies", [nbb.company(number) for number in sample_numbers()])


def test_nbb_deposit_documents_are_unchanged(nbb):
    deposit = nbb.deposits("0000000592", TODAY)[-1]
    assert_golden("nbb-deposit", [jsonxbrl_document(deposit), xbrl_document(deposit)])


def test_nbb_wire_answers_are_unchanged():
    client = make_client()
    key = {"NBB-CBSO-Subscription-Key": "demo-authentic"}
    answers = [
        ok(client.get(f"/nbb/authentic/legalEntity/{number}/references", headers=key))
        for number in sample_numbers()[:8]
    ]
    assert_golden("nbb-wire", answers)


def test_informat_students_are_unchanged(informat):
    institute = informat.institutes[SECONDARY]
    assert_golden("informat-students", informat.students(institute, 2026))


def test_informat_staff_is_unchanged(informat):
    staff = roster(informat)
    institute = informat.institutes[SECONDARY]
    employees = staff.employees(institute, 2026, TODAY)
    belongings = [
        [staff.assignments(e, 2026), staff.diplomas(e), staff.own_fields(e)] for e in employees[:12]
    ]
    assert_golden("informat-staff", [employees, belongings])


def test_informat_bills_are_unchanged(informat):
    bills = [informat.bills(group, year) for group in informat.groups.values() for year in (2025, 2026)]
    assert_golden("informat-bills", bills)


@pytest.fixture(scope="module")
def client():
    return make_client()


def test_informat_student_answers_are_unchanged(client):
    auth = {**bearer(client, f"api_informat_sas_leerlingen.leerlingen.{SECONDARY}"), "InstituteNo": SECONDARY}
    students = ok(client.get(f"{STUDENTS}/1/students", headers=auth))
    registrations = ok(client.get(f"{STUDENTS}/1/registrations", headers=auth))
    first = students["students"][0]["persoonId"]
    photo = ok(client.get(f"{STUDENTS}/1/students/{first}/photo", headers=auth))
    assert_golden("informat-students-wire", [students, registrations, photo])


def test_informat_staff_answers_are_unchanged(client):
    auth = {
        **bearer(client, f"api_informat_sas_personeel.personeel.{SECONDARY}"),
        "InstituteNo": SECONDARY,
        "Api-Version": "2",
    }
    answers = [
        ok(client.get(f"/informat/personeel{path}", headers=auth))
        for path in (
            "/employees",
            "/employees/assignments",
            "/employees/diplomas",
            "/employees/OwnFields",
            "/employees/documents",
            "/employees/photos",
        )
    ]
    assert_golden("informat-staff-wire", answers)


def test_informat_bill_answers_are_unchanged(client):
    auth = bearer(client, "api_informat_rekeningen.SJC-Secundair", "api_informat_rekeningen.DR-Lager")
    answers = [
        ok(client.get(f"{BILLS}/1/bills", params={"accessGroup": group}, headers=auth))
        for group in ("SJC-Secundair", "DR-Lager")
    ]
    assert_golden("informat-bills-wire", answers)


def test_valid_values_of_the_identifier_formats_are_unchanged():
    rng = random.Random(11)
    draws = [rng.getrandbits(40) for _ in range(200)]
    assert_golden(
        "format-builders", {name: [build(n) for n in draws] for name, build in FORMAT_BUILDERS.items()}
    )
