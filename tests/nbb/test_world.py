"""The NBB CBSO world: deterministic, self-consistent, and true to its magic enterprise numbers."""

import copy
import io
import itertools
import json
import os
import random
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
import yaml
from lxml import etree

from sandbox.apis.nbb_cbso.documents import (
    improved_jsonxbrl_document,
    jsonxbrl_document,
    pdf_document,
    xbrl_document,
)
from sandbox.apis.nbb_cbso.entities import BEF_PER_EUR, Improvement
from sandbox.apis.nbb_cbso.figures import improved_figures
from sandbox.apis.nbb_cbso.views import camel_case, improved_reference_record, reference_record
from sandbox.apis.nbb_cbso.world import NbbWorld
from sandbox.worlds.identities import enterprise_number, is_enterprise_number

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = yaml.safe_load((ROOT / "fixtures" / "nbb-cbso.yaml").read_text(encoding="utf-8"))
TODAY = date(2025, 12, 1)
BASE_URL = "https://ws.cbso.nbb.be"
MAGIC = {item["enterprise_number"]: item for item in FIXTURE["magic_companies"]}
NO_FILINGS, PDF_ONLY, CONSOLIDATED, LONG_HISTORY, IMPROVED = MAGIC


@pytest.fixture(scope="module")
def world() -> NbbWorld:
    return NbbWorld("seed-1", "tenant-a", FIXTURE)


def random_numbers(count: int, seed: int = 7) -> list[str]:
    """Any valid enterprise numbers: each is a company, most of which never filed."""
    rng = random.Random(seed)
    return [enterprise_number(rng.randrange(20_000_000)) for _ in range(count)]


def filing_numbers(count: int, seed: int = 7) -> list[str]:
    """Companies of the filing population of the module's world ("seed-1", "tenant-a")."""
    rng, world = random.Random(seed), NbbWorld("seed-1", "tenant-a", FIXTURE)
    return [world.filer(rng.randrange(world.filer_count)) for _ in range(count)]


def weekdays(start: date, count: int) -> list[date]:
    days = (start + timedelta(days=i) for i in range(count * 2))
    return [day for day in days if day.weekday() < 5][:count]


def rubric_values(document: dict) -> dict[str, dict[str, Decimal]]:
    values: dict[str, dict[str, Decimal]] = {"N": {}, "NM1": {}}
    for rubric in document["Rubrics"]:
        values[rubric["Period"]][rubric["Code"]] = Decimal(rubric["Value"])
    return values


# -------------------------------------------------------------------------------------------- numbers


def test_enterprise_numbers_follow_the_mod_97_rule():
    assert is_enterprise_number("0403019261")
    assert is_enterprise_number(enterprise_number(1234567)) and enterprise_number(1234567) == "0123456749"
    for wrong in (
        "0403019262",
        "BE0403019261",
        "0403.019.261",
        "403019261",
        "2403019261",
        "０４０３０１９２６１",
        "",
    ):
        assert not is_enterprise_number(wrong), wrong


def test_every_valid_number_is_a_company_and_invalid_ones_are_refused(world):
    for number in random_numbers(50):
        company = world.company(number)
        assert company.enterprise_number == number
        assert company.name and company.address.postal_code and company.address.country_code == "BE"
    with pytest.raises(ValueError, match="mod 97"):
        world.company("0403019262")


def test_company_names_carry_the_suffix_of_their_legal_form(world):
    suffixes = {code: set(form["suffix"].values()) for code, form in FIXTURE["legal_forms"].items()}
    for number in random_numbers(200):
        company = world.company(number)
        if number in MAGIC:
            continue
        assert company.name.rsplit(" ", 1)[1] in suffixes[company.legal_form]
        assert (company.size == "association") == (company.legal_form == "017")


# ---------------------------------------------------------------------------------------- determinism


def snapshot(world: NbbWorld, numbers: list[str], day: date) -> dict:
    return {
        "references": [
            reference_record(deposit, BASE_URL)
            for number in numbers
            for deposit in world.deposits(number, TODAY)
        ],
        "batch": [reference_record(deposit, BASE_URL) for deposit in world.batch(day)],
        "documents": [
            jsonxbrl_document(deposit)
            for number in numbers[:5]
            for deposit in world.deposits(number, TODAY)[-2:]
        ],
    }


def test_same_seed_gives_the_same_world_and_another_seed_another():
    numbers, day = filing_numbers(30), date(2025, 6, 24)
    first = snapshot(NbbWorld("seed-1", "tenant-a", FIXTURE), numbers, day)
    assert first == snapshot(NbbWorld("seed-1", "tenant-a", FIXTURE), numbers, day)
    assert first["references"] and first["batch"]
    other_seed = snapshot(NbbWorld("seed-2", "tenant-a", FIXTURE), numbers, day)
    other_tenant = snapshot(NbbWorld("seed-1", "tenant-b", FIXTURE), numbers, day)
    assert other_seed["references"] != first["references"] and other_seed["batch"] != first["batch"]
    assert other_tenant["references"] != first["references"]


def test_another_process_generates_byte_identical_records():
    numbers, day = filing_numbers(20), date(2025, 6, 24)
    script = (
        "import json, sys, yaml; from datetime import date\n"
        "from sandbox.apis.nbb_cbso.world import NbbWorld\n"
        "from tests.nbb.test_world import snapshot\n"
        "fixture = yaml.safe_load(open('fixtures/nbb-cbso.yaml', encoding='utf-8'))\n"
        f"world = NbbWorld('seed-1', 'tenant-a', fixture)\n"
        f"print(json.dumps(snapshot(world, {numbers!r}, date.fromisoformat('{day}'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "123"},
    )
    here = snapshot(NbbWorld("seed-1", "tenant-a", FIXTURE), numbers, day)
    assert json.loads(result.stdout) == json.loads(json.dumps(here))


# -------------------------------------------------------------------------------------------- deposits


def test_references_round_trip(world):
    deposits = [deposit for number in filing_numbers(60) for deposit in world.deposits(number, TODAY)]
    assert len(deposits) > 300
    for deposit in deposits:
        assert world.deposit(deposit.reference, TODAY) == deposit
        assert deposit.reference[:4] == str(deposit.deposit_date.year)


def test_malformed_unknown_and_future_references_are_none(world):
    deposit = world.deposits(filing_numbers(1, seed=3)[0], TODAY)[-1]
    year, sequence = deposit.reference.split("-")
    for reference in (
        "",
        "2024-123",
        "abcd-00000000",
        f"{deposit.reference}0",
        f" {deposit.reference}",
        f"{year}/{sequence}",
        f"{year}-{int(sequence) + 3:08d}",  # slot 3 is never used
        f"{int(year) + 1}-{sequence}" if deposit.deposit_date.year < TODAY.year else "2099-00000000",
        f"1990-{sequence}",
    ):
        assert world.deposit(reference, TODAY) is None, reference
    assert world.deposit(deposit.reference, deposit.deposit_date - timedelta(days=1)) is None
    assert world.deposit(deposit.reference, deposit.deposit_date) == deposit


def test_deposits_are_published_oldest_first_with_a_sound_calendar(world):
    for number in filing_numbers(150):
        deposits = world.deposits(number, TODAY)
        assert deposits == sorted(deposits, key=lambda d: (d.deposit_date, d.reference))
        for deposit in deposits:
            assert deposit.deposit_date <= TODAY and deposit.deposit_date.weekday() < 5
            assert deposit.exercise_start < deposit.exercise_end < deposit.deposit_date
            assert deposit.currency == ("BEF" if deposit.exercise_end.year < 2002 else "EUR")
            assert deposit.legal_situation == "000"
            if deposit.general_assembly_date:
                assert deposit.exercise_end < deposit.general_assembly_date <= deposit.deposit_date
            assert deposit.deposit_type == "Initial" or deposit.slot == 1
            assert deposit.consolidated == (deposit.slot == 2) == deposit.model_type.startswith("m12")


def test_xbrl_and_json_availability_follows_the_dates_and_pdf_only_models(world):
    deposits = [deposit for number in filing_numbers(150) for deposit in world.deposits(number, TODAY)]
    for deposit in deposits:
        assert deposit.pdf_only == deposit.model_type.endswith("-p")
        assert deposit.has_xbrl == (not deposit.pdf_only and deposit.deposit_date >= date(2007, 1, 1))
        assert deposit.has_json == (deposit.has_xbrl and deposit.deposit_date >= date(2022, 4, 4))
        # own accounts are PDF-only by choice only once XBRL exists; consolidated ones always are
        if deposit.consolidated:
            assert deposit.model_type in ("m120-f-p", "m121-f-p", "m122-f-p", "m123-f-p")
        elif deposit.deposit_date < date(2007, 1, 1):
            assert not deposit.pdf_only
    assert {True, False} <= {deposit.has_json for deposit in deposits}
    assert any(deposit.pdf_only for deposit in deposits)


# ------------------------------------------------------------------------------------------ daily feeds


def test_each_batch_deposit_is_what_the_query_operations_return(world):
    batches = [(day, world.batch(day)) for day in weekdays(date(2025, 1, 6), 60)]
    assert sum(len(batch) for _, batch in batches) > 400
    for day, batch in batches:
        for deposit in batch:
            assert deposit.deposit_date == day
            assert world.deposit(deposit.reference, TODAY) == deposit
            assert deposit in world.deposits(deposit.company.enterprise_number, TODAY)
        assert len({deposit.reference for deposit in batch}) == len(batch)


def test_the_query_api_and_the_extracts_describe_one_world(world):
    """Both directions over a range of days across a new year: every extract entry resolves through
    the query operations, and every deposit they list in the range is in the extract of its day."""
    first, last = date(2024, 11, 15), date(2025, 2, 14)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    extracted = {deposit.reference: (day, deposit) for day in days for deposit in world.batch(day)}
    assert len(extracted) > 300
    for reference, (day, deposit) in extracted.items():
        assert world.deposit(reference, TODAY) == deposit and deposit.deposit_date == day
        assert deposit in world.deposits(deposit.company.enterprise_number, TODAY)
    numbers = list(MAGIC) + filing_numbers(400, seed=17) + random_numbers(200, seed=17)
    companies = {deposit.company.enterprise_number for _, deposit in extracted.values()}
    listed = [
        d
        for number in [*numbers, *companies]
        for d in world.deposits(number, TODAY)
        if first <= d.deposit_date <= last
    ]
    assert len(listed) > 100
    for deposit in listed:
        assert extracted[deposit.reference] == (deposit.deposit_date, deposit)


def test_a_company_outside_the_filing_population_never_filed(world):
    numbers = [number for number in random_numbers(300, seed=23) if number not in MAGIC]
    assert sum(1 for number in numbers if world.deposits(number, TODAY)) < 5
    assert all(world.company(number).name for number in numbers)
    assert world.filer_count == FIXTURE["companies"]["filers"]
    assert len({world.filer(i) for i in range(500)}) == 500


def test_summer_batches_are_busier_than_winter_ones(world):
    winter = sum(len(world.batch(day)) for day in weekdays(date(2024, 1, 8), 20))
    summer = sum(len(world.batch(day)) for day in weekdays(date(2024, 7, 1), 20))
    assert summer > 2 * winter > 0


def test_weekend_batches_are_empty(world):
    saturdays = [date(2024, 1, 6) + timedelta(weeks=i) for i in range(104)]
    for saturday in saturdays:
        for day in (saturday, saturday + timedelta(days=1)):
            assert world.batch(day) == [] and world.improved_batch(day) == []


def test_improved_batches_agree_with_the_improvement_queries(world):
    days = weekdays(date(2022, 3, 28), 400)
    assert all(world.improved_batch(day) == [] for day in days if day < date(2022, 4, 4))
    improvements = [imp for day in days for imp in world.improved_batch(day)]
    assert len(improvements) > 300
    for imp in improvements:
        deposit = imp.deposit
        assert imp.improvement_date >= deposit.deposit_date + timedelta(days=30)
        assert imp in world.improvements(deposit.company.enterprise_number, TODAY)
        assert imp in world.deposit_improvements(deposit.reference, TODAY)
        assert world.deposit(deposit.reference, TODAY) == deposit and deposit.slot == 0
        expected = (
            "pdf_extracted"
            if deposit.pdf_only
            else "euro_converted"
            if deposit.currency == "BEF"
            else "corrected"
        )
        assert imp.kind == expected
        assert (imp.corrected_data in ("AA", "SB")) == (imp.kind == "corrected")
    assert {imp.corrected_data for imp in improvements} >= {"AA", "SB"}


def test_improvements_are_hidden_until_they_are_made(world):
    imp = next(imp for day in weekdays(date(2024, 2, 5), 30) for imp in world.improved_batch(day))
    number = imp.deposit.company.enterprise_number
    assert imp not in world.improvements(number, imp.improvement_date - timedelta(days=1))
    assert imp in world.improvements(number, imp.improvement_date)


# ------------------------------------------------------------------------------------------- documents


def documents_of(world: NbbWorld, count: int) -> list:
    return [deposit for number in filing_numbers(count, seed=11) for deposit in world.deposits(number, TODAY)]


def test_balance_sheets_balance_to_the_cent_for_n_and_nm1(world):
    checked = 0
    for deposit in documents_of(world, 120):
        for period, values in rubric_values(jsonxbrl_document(deposit)).items():
            if not values:
                assert period == "NM1"
                continue
            assert values["20/58"] == values["20/28"] + values["29/58"]
            assert values["10/49"] == values["10/15"] + values["16"] + values["17/49"] == values["20/58"]
            checked += 1
    assert checked > 1000


def test_nm1_repeats_the_previous_years_n(world):
    pairs = 0
    for number in filing_numbers(80, seed=5):
        annual = [d for d in world.deposits(number, TODAY) if d.slot == 0]
        for previous, current in itertools.pairwise(annual):
            if previous.currency != current.currency:
                continue
            comparative = rubric_values(jsonxbrl_document(current))["NM1"]
            reported = rubric_values(jsonxbrl_document(previous))["N"]
            # A micro company moving to the micro model (2016) stops publishing turnover (70).
            assert set(reported) - set(comparative) <= {"70"}
            assert comparative == {code: reported[code] for code in comparative}
            pairs += 1
    assert pairs > 300


def test_micro_models_publish_no_turnover(world):
    for deposit in documents_of(world, 60):
        codes = {rubric["Code"] for rubric in jsonxbrl_document(deposit)["Rubrics"]}
        assert ("70" in codes) != deposit.model_type.startswith(("m07", "m87"))


def test_jsonxbrl_document_has_the_bank_shape(world):
    deposit = next(d for d in reversed(world.deposits(CONSOLIDATED, TODAY)) if not d.consolidated)
    document = jsonxbrl_document(deposit)
    assert list(document) == [
        "ReferenceNumber",
        "EnterpriseName",
        "Address",
        "LegalForm",
        "JointCommittees",
        "Rubrics",
        "Administrators",
        "ParticipatingInterests",
        "Shareholders",
    ]
    assert document["ReferenceNumber"] == deposit.reference
    assert document["LegalForm"] == {"LegalFormCode": "lgf:m014", "LegalForm": "Naamloze vennootschap"}
    assert document["Address"]["City"] == f"pcd:m{deposit.company.address.postal_code}"
    assert (
        len(document["Administrators"]["NaturalPersons"]) + len(document["Administrators"]["LegalPersons"])
        >= 1
    )
    assert document["ParticipatingInterests"] and document["Shareholders"]["EntityShareHolders"]
    for interest in document["ParticipatingInterests"]:
        assert is_enterprise_number(interest["Entity"]["Identifier"])
    assert "EnterpriseNumber" not in document and "ModelType" not in document


def test_xbrl_instance_parses_with_one_fact_per_rubric_and_period(world):
    deposit = next(d for d in reversed(world.deposits(IMPROVED, TODAY)) if d.has_xbrl)
    root = etree.fromstring(xbrl_document(deposit))
    ns = {"xbrli": "http://www.xbrl.org/2003/instance", "link": "http://www.xbrl.org/2003/linkbase"}
    assert root.tag == "{http://www.xbrl.org/2003/instance}xbrl"
    assert root.find("link:schemaRef", ns) is not None
    identifiers = root.findall("xbrli:context/xbrli:entity/xbrli:identifier", ns)
    assert {(i.get("scheme"), i.text) for i in identifiers} == {("http://www.fgov.be", IMPROVED)}
    assert root.find("xbrli:unit/xbrli:measure", ns).text == "iso4217:EUR"
    facts = [element for element in root if element.prefix == "pfs"]
    rubrics = jsonxbrl_document(deposit)["Rubrics"]
    assert len(facts) == len(rubrics)
    assert sorted(Decimal(fact.text) for fact in facts) == sorted(Decimal(r["Value"]) for r in rubrics)


def test_pdf_opens_and_names_the_company_and_reference(world):
    for deposit in documents_of(world, 6)[::7]:
        content = pdf_document(deposit)
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert deposit.company.name in text and deposit.reference in text
        assert content == pdf_document(deposit)


def test_euro_conversion_divides_francs_by_the_legal_rate(world):
    deposit = next(d for d in world.deposits(LONG_HISTORY, TODAY) if d.currency == "BEF")
    converted = improved_jsonxbrl_document(Improvement(deposit, "euro_converted", date(2023, 5, 10), None))
    francs, euros = rubric_values(jsonxbrl_document(deposit))["N"], rubric_values(converted)["N"]
    for code in ("20/28", "29/58", "10/15", "70", "9904"):
        assert abs(euros[code] - francs[code] / BEF_PER_EUR) <= Decimal("0.01")
    assert euros["20/58"] == euros["20/28"] + euros["29/58"] == euros["10/49"]


def test_first_euro_year_compares_with_the_euro_converted_franc_year(world):
    annual = [d for d in world.deposits(LONG_HISTORY, TODAY) if d.slot == 0]
    last_franc = next(d for d in reversed(annual) if d.currency == "BEF")
    first_euro = next(d for d in annual if d.currency == "EUR")
    converted, _ = improved_figures(Improvement(last_franc, "euro_converted", TODAY, None))
    assert rubric_values(jsonxbrl_document(first_euro))["NM1"] == converted


def test_corrections_change_rubrics_consistently(world):
    aa, sb = (
        Improvement(deposit, "corrected", TODAY, data)
        for deposit, data in zip(world.deposits(IMPROVED, TODAY)[-2:], ("AA", "SB"), strict=True)
    )
    for imp in (aa, sb):
        before = rubric_values(jsonxbrl_document(imp.deposit))
        after = rubric_values(improved_jsonxbrl_document(imp))
        changed = {code for code in before["N"] if before["N"][code] != after["N"][code]}
        assert after["NM1"] == before["NM1"]
        assert after["N"]["20/58"] == after["N"]["20/28"] + after["N"]["29/58"] == after["N"]["10/49"]
        if imp.corrected_data == "SB":
            assert changed == {"9087"}
        else:
            assert {"20/28", "10/15", "9904"} <= changed and "9087" not in changed


# ------------------------------------------------------------------------------------------- records


def test_reference_record_shape_and_camel_case(world):
    deposit = world.deposits(IMPROVED, TODAY)[0]
    record = reference_record(deposit, BASE_URL)
    assert record["AccountingDataURL"] == f"{BASE_URL}/authentic/deposit/{deposit.reference}/accountingData"
    assert record["DataVersion"] == "Authentic" and record["EnterpriseNumber"] == IMPROVED
    assert set(record["Address"]) == {"Street", "Number", "Box", "PostalCode", "City", "CountryCode"}
    camel = camel_case(record)
    assert camel["referenceNumber"] == deposit.reference
    assert camel["accountingDataURL"] == record["AccountingDataURL"]
    assert camel["fullFillLegalValidation"] is record["FullFillLegalValidation"]
    assert camel["exerciseDates"] == record["ExerciseDates"]
    assert set(camel["address"]) == {"street", "number", "box", "postalCode", "city", "countryCode"}
    assert camel_case([{"A": [{"BcD": 1}]}]) == [{"a": [{"bcD": 1}]}]


def test_improved_reference_record_points_to_the_improved_document(world):
    imp = world.improvements(IMPROVED, TODAY)[-1]
    record = improved_reference_record(imp, BASE_URL + "/")
    reference = imp.deposit.reference
    assert (
        record["AccountingDataURL"]
        == f"{BASE_URL}/improved/deposit/{reference}/accountingData/improved/corrected"
    )
    assert record["DataVersion"] == "Corrected" and record["CorrectedData"] == "AA"
    assert record["ImprovementDate"] == imp.improvement_date.isoformat()
    assert imp.zip_suffix == "aa-corrected"


# ---------------------------------------------------------------------------------------- magic numbers


def test_magic_numbers_are_valid_and_described():
    assert len(MAGIC) == 5
    for number, item in MAGIC.items():
        assert is_enterprise_number(number) and item["description"].strip()


def test_magic_company_without_filings(world):
    assert world.deposits(NO_FILINGS, date(2040, 1, 1)) == []
    assert world.improvements(NO_FILINGS, TODAY) == []
    assert world.company(NO_FILINGS).name == MAGIC[NO_FILINGS]["overrides"]["name"]


def test_magic_company_with_only_pdf_filings(world):
    deposits = world.deposits(PDF_ONLY, TODAY)
    assert len(deposits) >= 8
    assert all(d.pdf_only and not d.has_xbrl and not d.has_json for d in deposits)
    (imp,) = world.improvements(PDF_ONLY, TODAY)
    assert (imp.kind, imp.improvement_date, imp.deposit.deposit_date.year) == (
        "pdf_extracted",
        date(2024, 11, 18),
        2024,
    )
    assert imp.data_version == "Pdf_extracted" and imp.zip_suffix == "ocr-authentic"
    assert imp in world.improved_batch(date(2024, 11, 18))


def test_magic_company_with_consolidated_filings_without_accounting_data_url(world):
    deposits = world.deposits(CONSOLIDATED, TODAY)
    consolidated = [d for d in deposits if d.consolidated]
    assert consolidated and all(d.accounting_data_url_null for d in consolidated)
    assert all(reference_record(d, BASE_URL)["AccountingDataURL"] is None for d in consolidated)
    assert all(reference_record(d, BASE_URL)["AccountingDataURL"] for d in deposits if not d.consolidated)
    latest = consolidated[-1]
    assert latest in world.batch(latest.deposit_date)
    assert camel_case(reference_record(latest, BASE_URL))["accountingDataURL"] is None


def test_magic_company_with_a_long_history(world):
    deposits = world.deposits(LONG_HISTORY, TODAY)
    assert deposits[0].deposit_date.year == 1999 and deposits[0].currency == "BEF"
    assert any(not d.has_xbrl and d.deposit_date < date(2007, 1, 1) for d in deposits)
    assert any(d.has_xbrl and not d.has_json for d in deposits)
    assert any(d.has_json and d.deposit_date > date(2022, 4, 4) for d in deposits)
    (imp,) = world.improvements(LONG_HISTORY, TODAY)
    assert (
        imp.kind == "euro_converted" and imp.deposit.currency == "BEF" and imp.zip_suffix == "euro-authentic"
    )


def test_magic_company_with_improved_filings(world):
    deposits = world.deposits(IMPROVED, TODAY)
    annual_years = [d.deposit_date.year for d in deposits if d.slot == 0]
    assert annual_years == list(range(2022, TODAY.year + 1))
    assert all(d.has_json for d in deposits)
    improvements = world.improvements(IMPROVED, TODAY)
    assert [(i.kind, i.corrected_data) for i in improvements] == [("corrected", "SB"), ("corrected", "AA")]
    assert all(i.improvement_date < date(2026, 1, 1) for i in improvements)
    assert world.deposit_improvements(improvements[1].deposit.reference, TODAY) == [improvements[1]]
    assert world.improvements(IMPROVED, date(2024, 3, 11)) == []


def test_magic_behaviour_does_not_depend_on_the_seed():
    for seed in ("a", "b", "c"):
        world = NbbWorld(seed, "t", FIXTURE)
        assert world.deposits(NO_FILINGS, TODAY) == []
        assert len(world.improvements(IMPROVED, TODAY)) == 2


def test_a_magic_improvement_that_cannot_happen_is_refused():
    fixture = copy.deepcopy(FIXTURE)
    fixture["magic_companies"][4]["improvements"] = [
        {"deposit_year": 2024, "kind": "euro_converted", "date": "2025-02-17"}
    ]
    with pytest.raises(ValueError, match="0000000592"):
        NbbWorld("seed-1", "tenant-a", fixture)


def test_demo_credentials_name_one_key_per_product():
    assert FIXTURE["demo_credentials"] == {
        "authenticKey": "demo-authentic",
        "extractsKey": "demo-extracts",
        "authenticArchiveKey": "demo-authentic-archive",
        "improvedKey": "demo-improved",
        "improvedArchiveKey": "demo-improved-archive",
    }


def test_magic_companies_keep_their_promises_under_every_seed():
    today = date(2026, 11, 17)
    for n in range(60):
        world = NbbWorld(f"seed{n}", "demo", FIXTURE)  # building the world checks the magic improvements
        assert world.deposits("0000000196", today) == []
        for number in ("0000000295", "0000000394", "0000000493", "0000000592"):
            deposits = world.deposits(number, today)
            assert deposits, (n, number)
            assert all(d.deposit_type == "Initial" for d in deposits if not d.consolidated), (n, number)
