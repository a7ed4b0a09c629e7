"""The NBB CBSO Webservices as a client sees them: every rule, every bad input, with bodies."""

import io
import json
import uuid
import zipfile
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader

from tests.conftest import make_client
from tests.nbb.conftest import key

NO_FILINGS = "0000000196"
PDF_ONLY = "0000000295"
GROUP = "0000000394"
LONG_HISTORY = "0000000493"
IMPROVED = "0000000592"
COMPANY = "0058683911"  # a company of the demo world's filing population, filing since 1998


def references(client, number, **params):
    r = client.get(f"/nbb/authentic/legalEntity/{number}/references", params=params, headers=key("authentic"))
    assert r.status_code == 200, r.text
    return r.json()


def accounting_data(client, ref, accept):
    return client.get(
        f"/nbb/authentic/deposit/{ref}/accountingData", headers={**key("authentic"), "Accept": accept}
    )


def unzip(response) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
    return {name: archive.read(name) for name in archive.namelist()}


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()


# -- subscription keys ----------------------------------------------------------------------
def test_missing_key_gets_the_gateway_401(nbb):
    r = nbb.get(f"/nbb/authentic/legalEntity/{COMPANY}/references")
    assert r.status_code == 401
    assert r.json() == {
        "statusCode": 401,
        "message": "Access denied due to missing subscription key. "
        "Make sure to include subscription key when making requests to an API.",
    }


@pytest.mark.parametrize("wrong", ["nope", "demo-extracts", "demo-improved"])
def test_unknown_key_or_key_of_another_product_gets_401(nbb, wrong):
    r = nbb.get(
        f"/nbb/authentic/legalEntity/{COMPANY}/references", headers={"NBB-CBSO-Subscription-Key": wrong}
    )
    assert r.status_code == 401
    assert r.json()["message"].startswith("Access denied due to invalid subscription key.")


def test_each_product_opens_with_its_own_key(nbb):
    day = "2026-10-01"
    assert nbb.get(f"/nbb/extracts/batch/{day}/references", headers=key("extracts")).status_code == 200
    assert nbb.get(f"/nbb/authentic-archive/{day}/references", headers=key("extracts")).status_code == 401
    assert (
        nbb.get(f"/nbb/authentic-archive/{day}/references", headers=key("authentic-archive")).status_code
        == 200
    )


def test_request_id_is_echoed_and_generated(nbb):
    sent = str(uuid.uuid4())
    echoed = nbb.get(
        f"/nbb/authentic/legalEntity/{COMPANY}/references", headers={**key("authentic"), "X-Request-Id": sent}
    )
    assert echoed.headers["x-request-id"] == sent
    generated = nbb.get(f"/nbb/authentic/legalEntity/{COMPANY}/references", headers=key("authentic"))
    assert uuid.UUID(generated.headers["x-request-id"]).version == 4
    refused = nbb.get(f"/nbb/authentic/legalEntity/{COMPANY}/references")
    assert refused.headers["x-request-id"]


def test_unknown_operation_and_wrong_method_in_the_gateway_shape(nbb):
    unknown = nbb.get("/nbb/authentic/nothing", headers=key("authentic"))
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"statusCode": 404, "message": "Resource not found"},
    )
    wrong = nbb.post(f"/nbb/authentic/legalEntity/{COMPANY}/references", headers=key("authentic"))
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET"


# -- references by enterprise number ------------------------------------------------------------
def test_references_are_pascal_case_and_point_back_at_the_sandbox(nbb):
    refs = references(nbb, COMPANY)
    assert refs
    first = refs[-1]
    assert set(first) >= {
        "ReferenceNumber",
        "DepositDate",
        "ExerciseDates",
        "ModelType",
        "EnterpriseNumber",
        "EnterpriseName",
        "Address",
        "AccountingDataURL",
        "DataVersion",
    }
    assert set(first["ExerciseDates"]) == {"startDate", "endDate"}
    assert first["EnterpriseNumber"] == COMPANY and first["DataVersion"] == "Authentic"
    ref = first["ReferenceNumber"]
    assert first["AccountingDataURL"] == f"http://testserver/nbb/authentic/deposit/{ref}/accountingData"
    assert [r["DepositDate"] for r in refs] == sorted(r["DepositDate"] for r in refs)
    assert max(r["DepositDate"] for r in refs) <= "2026-11-17"


def test_real_host_header_reaches_the_api_and_urls_follow_it(nbb):
    r = nbb.get(
        f"/authentic/legalEntity/{COMPANY}/references", headers={**key("authentic"), "Host": "ws.cbso.nbb.be"}
    )
    assert r.status_code == 200
    ref = r.json()[-1]["ReferenceNumber"]
    assert (
        r.json()[-1]["AccountingDataURL"] == f"http://ws.cbso.nbb.be/authentic/deposit/{ref}/accountingData"
    )


def test_year_filters_on_the_year_the_exercise_ends(nbb):
    refs = references(nbb, LONG_HISTORY, year=2015)
    assert refs and all(r["ExerciseDates"]["endDate"].startswith("2015") for r in refs)
    assert references(nbb, LONG_HISTORY, year=1990) == []


def test_company_without_filings_has_an_empty_list(nbb):
    assert references(nbb, NO_FILINGS) == []


@pytest.mark.parametrize(
    "number", ["BE0403019261", "0403.019.261", "040301926", "04030192611", "0403019262", "2403019261"]
)
def test_malformed_enterprise_number_is_400_with_violations(nbb, number):
    body = problem(nbb.get(f"/nbb/authentic/legalEntity/{number}/references", headers=key("authentic")), 400)
    assert body["title"] == "Bad Request"
    assert body["violations"]
    assert {v["field"] for v in body["violations"]} == {"enterpriseNumber"}
    assert {v["messageKey"] for v in body["violations"]} == {"enterprise.number.invalid"}
    assert any(
        "mod-97" in v["defaultMessage"] or "pattern" in v["defaultMessage"] for v in body["violations"]
    )


def test_bad_year_is_refused_and_an_unknown_parameter_ignored_and_journaled(nbb):
    body = problem(
        nbb.get(
            f"/nbb/authentic/legalEntity/{COMPANY}/references?year=abc&fiscalYear=2020",
            headers=key("authentic"),
        ),
        400,
    )
    assert [(v["field"], v["messageKey"]) for v in body["violations"]] == [("year", "year.invalid")]
    # fiscalYear is sent by a public client citing the technical guide: production ignores it
    assert references(nbb, COMPANY, fiscalYear="2020") == references(nbb, COMPANY)
    entry = nbb.get("/__sandbox/journal", params={"tenant": "demo", "api": "nbb-cbso"}).json()["entries"][-2]
    assert entry["query"] == [["fiscalYear", "2020"]]
    assert entry["ignoredQuery"] == ["fiscalYear"]


# -- one deposit ---------------------------------------------------------------------------------
def test_reference_by_deposit_is_the_same_record(nbb):
    listed = references(nbb, COMPANY)[-1]
    r = nbb.get(f"/nbb/authentic/deposit/{listed['ReferenceNumber']}/reference", headers=key("authentic"))
    assert r.json() == listed


def test_unknown_and_malformed_deposits(nbb):
    body = problem(nbb.get("/nbb/authentic/deposit/2024-99999999/reference", headers=key("authentic")), 404)
    assert body["violations"][0]["messageKey"] == "reference.number.not.found"
    assert "2024-99999999" in body["detail"]
    bad = problem(nbb.get("/nbb/authentic/deposit/not-a-ref/reference", headers=key("authentic")), 400)
    assert bad["violations"][0]["field"] == "referenceNumber"


def test_deposit_published_after_today_does_not_exist_yet():
    early = make_client(now="2020-01-02T09:00:00+00:00")
    late = make_client()
    later_refs = [r["ReferenceNumber"] for r in references(late, COMPANY) if r["DepositDate"] > "2020-01-02"]
    assert later_refs
    r = early.get(f"/nbb/authentic/deposit/{later_refs[0]}/reference", headers=key("authentic"))
    assert r.status_code == 404


def _rubrics(doc, period):
    return {r["Code"]: Decimal(r["Value"]) for r in doc["Rubrics"] if r["Period"] == period}


def test_json_xbrl_balance_sheet_adds_up(nbb):
    ref = references(nbb, COMPANY)[-1]["ReferenceNumber"]
    r = accounting_data(nbb, ref, "application/x.jsonxbrl")
    assert r.status_code == 200 and r.headers["content-type"] == "application/x.jsonxbrl"
    doc = r.json()
    assert doc["ReferenceNumber"] == ref
    assert "EnterpriseNumber" not in doc and "ModelType" not in doc
    for period in ("N", "NM1"):
        rubrics = _rubrics(doc, period)
        assert rubrics["20/58"] == rubrics["20/28"] + rubrics["29/58"]
        assert rubrics["10/49"] == rubrics["10/15"] + rubrics["16"] + rubrics["17/49"]
        assert rubrics["20/58"] == rubrics["10/49"]


def test_xbrl_is_well_formed_xml_and_pdf_is_a_real_pdf(nbb):
    record = references(nbb, COMPANY)[-1]
    xbrl = accounting_data(nbb, record["ReferenceNumber"], "application/x.xbrl")
    assert xbrl.headers["content-type"] == "application/x.xbrl"
    root = etree.fromstring(xbrl.content)
    assert etree.QName(root).localname == "xbrl"
    assert COMPANY in xbrl.text
    pdf = accounting_data(nbb, record["ReferenceNumber"], "application/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert record["EnterpriseName"] in text and record["ReferenceNumber"] in text


def test_accept_json_on_accounting_data_is_415(nbb):
    ref = references(nbb, COMPANY)[-1]["ReferenceNumber"]
    body = problem(accounting_data(nbb, ref, "application/json"), 415)
    assert "application/x.jsonxbrl" in body["detail"]


def test_pdf_only_deposits_have_no_xbrl_and_no_json(nbb):
    refs = references(nbb, PDF_ONLY)
    assert refs and all(r["ModelType"].endswith("-p") for r in refs)
    ref = refs[-1]["ReferenceNumber"]
    json_body = problem(accounting_data(nbb, ref, "application/x.jsonxbrl"), 404)
    assert json_body["detail"] == "pdf model has no published json xbrl"
    assert json_body["violations"][0]["messageKey"] == "reference.number.not.found.json"
    assert (
        problem(accounting_data(nbb, ref, "application/x.xbrl"), 404)["detail"]
        == "pdf model has no published xbrl"
    )
    assert accounting_data(nbb, ref, "application/pdf").status_code == 200


def test_formats_follow_the_deposit_date(nbb):
    refs = {r["DepositDate"][:4]: r["ReferenceNumber"] for r in references(nbb, LONG_HISTORY)}
    assert refs["1999"] and "2001" in refs
    old, mid, new = refs["2005"], refs["2015"], refs["2025"]
    assert "from 2007-01-01" in problem(accounting_data(nbb, old, "application/x.xbrl"), 404)["detail"]
    assert accounting_data(nbb, old, "application/pdf").status_code == 200
    assert accounting_data(nbb, mid, "application/x.xbrl").status_code == 200
    assert "from 2022-04-04" in problem(accounting_data(nbb, mid, "application/x.jsonxbrl"), 404)["detail"]
    assert accounting_data(nbb, new, "application/x.jsonxbrl").status_code == 200


def test_old_exercises_are_in_belgian_francs(nbb):
    currencies = {r["ExerciseDates"]["endDate"][:4]: r["Currency"] for r in references(nbb, LONG_HISTORY)}
    assert currencies["2000"] == "BEF" and currencies["2010"] == "EUR"


CONSOLIDATED_MODELS = ("m120-f-p", "m121-f-p", "m122-f-p", "m123-f-p")


def test_consolidated_filing_is_pdf_only_and_has_no_accounting_data_url(nbb):
    refs = references(nbb, GROUP)
    consolidated = [r for r in refs if r["ModelType"] in CONSOLIDATED_MODELS]
    own = [r for r in refs if not r["ModelType"].startswith("m12")]
    assert consolidated and own and len(consolidated) + len(own) == len(refs)
    assert all(r["AccountingDataURL"] is None for r in consolidated)
    assert all(r["AccountingDataURL"] for r in own)
    ref = consolidated[-1]["ReferenceNumber"]
    pdf = accounting_data(nbb, ref, "application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert ref in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    for media_type, key_ in (("application/x.jsonxbrl", "json"), ("application/x.xbrl", "xbrl")):
        body = problem(accounting_data(nbb, ref, media_type), 404)
        assert body["violations"][0]["messageKey"] == f"reference.number.not.found.{key_}"


def test_xbrl_xml_accept_is_answered_with_the_pdf_as_production_does(nbb):
    ref = references(nbb, COMPANY)[-1]["ReferenceNumber"]
    r = accounting_data(nbb, ref, "application/xbrl+xml")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == accounting_data(nbb, ref, "application/pdf").content


# -- daily extracts ---------------------------------------------------------------------------------
def extract(client, day, what="references", accept="application/x.zip+json"):
    return client.get(f"/nbb/extracts/batch/{day}/{what}", headers={**key("extracts"), "Accept": accept})


def test_daily_extract_is_a_zip_of_camel_case_references_matching_the_query_api(nbb):
    r = extract(nbb, "2026-11-16")
    assert r.status_code == 200 and r.headers["content-type"] == "application/x.zip+json"
    entries = unzip(r)
    assert entries
    for name, content in entries.items():
        record = json.loads(content)
        assert name == f"{record['referenceNumber']}.json"
        assert record["depositDate"] == "2026-11-16"
        assert "ReferenceNumber" not in record and "postalCode" in record["address"]
        queried = nbb.get(
            f"/nbb/authentic/deposit/{record['referenceNumber']}/reference", headers=key("authentic")
        )
        assert queried.json()["EnterpriseNumber"] == record["enterpriseNumber"]
        assert queried.json()["Address"]["PostalCode"] == record["address"]["postalCode"]
        assert record["referenceNumber"] in {
            x["ReferenceNumber"] for x in references(nbb, record["enterpriseNumber"])
        }


@pytest.mark.parametrize("number", [COMPANY, GROUP, PDF_ONLY])
def test_every_deposit_a_company_lists_is_in_the_extract_of_its_day(nbb, number):
    listed = [r for r in references(nbb, number) if r["DepositDate"] >= "2024-01-01"]
    assert listed
    for record in listed:
        r = extract(nbb, record["DepositDate"])
        assert r.status_code == 200, (record["ReferenceNumber"], r.text)
        entry = json.loads(unzip(r)[f"{record['ReferenceNumber']}.json"])
        assert entry["enterpriseNumber"] == number and entry["modelType"] == record["ModelType"]
        assert entry["exerciseDates"] == record["ExerciseDates"]


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        ("application/x.zip+jsonxbrl", "json"),
        ("application/x.zip+xbrl", "xbrl"),
        ("application/x.zip+pdf", "pdf"),
    ],
)
def test_daily_documents_zip_per_format(nbb, accept, extension):
    r = extract(nbb, "2026-11-16", "accountingData", accept)
    assert r.status_code == 200 and r.headers["content-type"] == accept
    entries = unzip(r)
    assert entries and all(name.endswith(f".{extension}") for name in entries)
    sample = next(iter(entries.values()))
    if extension == "json":
        # JSON-XBRL keeps the query API's PascalCase inside zips (observed on production, 2026-04)
        doc = json.loads(sample)
        assert "Rubrics" in doc and "ReferenceNumber" in doc and "EnterpriseNumber" not in doc
        ref = doc["ReferenceNumber"]
        assert doc == accounting_data(nbb, ref, "application/x.jsonxbrl").json()
    elif extension == "xbrl":
        etree.fromstring(sample)
    else:
        assert PdfReader(io.BytesIO(sample)).pages


def test_weekend_has_no_batch(nbb):
    body = problem(extract(nbb, "2026-11-15"), 404)
    assert body["detail"] == "nothing was published on 2026-11-15"


@pytest.mark.parametrize("day", ["2026-11-17", "2026-11-18", "2030-01-01"])
def test_batch_date_must_lie_in_the_past(nbb, day):
    body = problem(extract(nbb, day), 400)
    assert body["violations"][0]["messageKey"] == "date.not.in.past"
    assert "today is 2026-11-17" in body["detail"]


def test_batch_appears_at_five_in_brussels_the_next_day():
    before = make_client(now="2026-11-17T03:59:59+00:00")  # 04:59:59 in Brussels
    body = problem(extract(before, "2026-11-16"), 404)
    assert body["detail"] == "the batch of 2026-11-16 is available from 2026-11-17T05:00:00+01:00"
    after = make_client(now="2026-11-17T04:00:00+00:00")
    assert extract(after, "2026-11-16").status_code == 200


def test_invalid_date_and_accept(nbb):
    body = problem(extract(nbb, "2026-02-30"), 400)
    assert body["violations"][0]["field"] == "date"
    assert problem(extract(nbb, "2026-11-16", accept="application/json"), 415)


# -- archives ----------------------------------------------------------------------------------------
def archive(client, product, day, what="references", accept="application/x.zip+json"):
    return client.get(f"/nbb/{product}/{day}/{what}", headers={**key(product), "Accept": accept})


@pytest.mark.parametrize("product", ["authentic-archive", "improved-archive"])
def test_archive_day_outside_the_last_three_years_is_no_batch(nbb, product):
    body = problem(archive(nbb, product, "2023-11-16"), 404)
    assert (
        body["detail"]
        == "date must be between 2023-11-17 and 2026-11-16: the archive covers the last 3 years"
    )
    assert body["violations"][0]["messageKey"] == "date.outside.archive.window"


def test_authentic_archive_holds_filings_from_thirty_days_after_publication(nbb):
    body = problem(archive(nbb, "authentic-archive", "2026-10-19"), 404)
    assert body["detail"] == "the filings of 2026-10-19 enter the authentic archive on 2026-11-18"
    entries = unzip(archive(nbb, "authentic-archive", "2026-10-16"))
    assert entries and all(json.loads(v)["depositDate"] == "2026-10-16" for v in entries.values())


def test_archive_day_matches_the_extract_of_that_day(nbb):
    day = "2024-06-19"
    assert unzip(archive(nbb, "authentic-archive", day)) == unzip(extract(nbb, day))


# -- improved data -----------------------------------------------------------------------------------
def improved_refs(client, number):
    r = client.get(f"/nbb/improved/legalEntity/{number}/references/improved", headers=key("improved"))
    assert r.status_code == 200, r.text
    return r.json()


def test_improved_references_of_the_magic_company(nbb):
    refs = improved_refs(nbb, IMPROVED)
    assert [(r["DataVersion"], r["CorrectedData"], r["ImprovementDate"]) for r in refs] == [
        ("Corrected", "SB", "2024-03-12"),
        ("Corrected", "AA", "2025-02-17"),
    ]
    ref = refs[1]["ReferenceNumber"]
    assert refs[1]["AccountingDataURL"] == (
        f"http://testserver/nbb/improved/deposit/{ref}/accountingData/improved/corrected"
    )
    assert improved_refs(nbb, COMPANY) == [] or all(
        r["EnterpriseNumber"] == COMPANY for r in improved_refs(nbb, COMPANY)
    )


def test_every_kind_of_improvement_exists(nbb):
    versions = {r["DataVersion"] for n in (PDF_ONLY, LONG_HISTORY, IMPROVED) for r in improved_refs(nbb, n)}
    assert versions == {"Pdf_extracted", "Euro_converted", "Corrected"}


def test_improved_document_per_kind(nbb):
    ref = improved_refs(nbb, IMPROVED)[1]["ReferenceNumber"]
    base = f"/nbb/improved/deposit/{ref}"
    listed = nbb.get(f"{base}/references/improved", headers=key("improved"))
    assert [r["CorrectedData"] for r in listed.json()] == ["AA"]
    doc = nbb.get(f"{base}/accountingData/improved/corrected", headers=key("improved"))
    assert doc.status_code == 200 and doc.headers["content-type"] == "application/x.jsonxbrl"
    rubrics = _rubrics(doc.json(), "N")
    assert rubrics["20/58"] == rubrics["10/49"]
    missing = problem(nbb.get(f"{base}/accountingData/improved/euro_converted", headers=key("improved")), 404)
    assert missing["detail"] == f"deposit {ref} has no euro_converted improvement"
    xbrl = nbb.get(
        f"{base}/accountingData/improved/corrected",
        headers={**key("improved"), "Accept": "application/x.xbrl"},
    )
    assert problem(xbrl, 415)
    bad_kind = problem(nbb.get(f"{base}/accountingData/improved/ocr", headers=key("improved")), 400)
    assert bad_kind["violations"][0]["field"] == "improvementType"


def test_improved_references_of_an_unimproved_or_unknown_deposit(nbb):
    ref = references(nbb, NO_FILINGS) or references(nbb, LONG_HISTORY)
    plain = ref[-1]["ReferenceNumber"]
    r = nbb.get(f"/nbb/improved/deposit/{plain}/references/improved", headers=key("improved"))
    body = problem(r, 404)  # a public client's docstring documents the 404 of an unimproved deposit
    assert body["detail"] == f"deposit {plain} has no improvement"
    assert body["violations"][0]["messageKey"] == "reference.number.not.found.improved"
    problem(nbb.get("/nbb/improved/deposit/2024-99999999/references/improved", headers=key("improved")), 404)


def test_improved_batch_holds_the_days_improvements(nbb):
    r = nbb.get("/nbb/improved/batch/2025-02-17/references/improved", headers=key("improved"))
    entries = unzip(r)
    aa = improved_refs(nbb, IMPROVED)[1]["ReferenceNumber"]
    assert f"{aa}-aa-corrected.json" in entries
    record = json.loads(entries[f"{aa}-aa-corrected.json"])
    assert record["dataVersion"] == "Corrected" and record["improvementDate"] == "2025-02-17"
    docs = unzip(nbb.get("/nbb/improved/batch/2025-02-17/accountingData/improved", headers=key("improved")))
    assert set(docs) == set(entries)
    # JSON-XBRL keeps PascalCase in zips
    assert json.loads(docs[f"{aa}-aa-corrected.json"])["ReferenceNumber"] == aa


def test_improved_archive_matches_the_improved_batch(nbb):
    day = "2025-02-17"
    batch = unzip(nbb.get(f"/nbb/improved/batch/{day}/references/improved", headers=key("improved")))
    assert unzip(archive(nbb, "improved-archive", day)) == batch


# -- the sandbox clock ---------------------------------------------------------------------------------
def test_the_control_plane_clock_moves_every_time_rule():
    client = make_client()
    assert extract(client, "2026-11-17").status_code == 400
    moved = client.put("/__sandbox/clock", json={"now": "2026-11-18T05:00:00+01:00"})
    assert moved.json() == {"now": "2026-11-18T04:00:00+00:00", "frozen": True}
    assert extract(client, "2026-11-17").status_code == 200


def test_same_seed_same_bytes_other_seed_other_world():
    a, b = make_client(), make_client()
    c = make_client(seed="other")
    assert extract(a, "2026-11-16").content == extract(b, "2026-11-16").content
    assert references(a, COMPANY) == references(b, COMPANY)
    assert references(a, COMPANY) != references(c, COMPANY)


def test_batches_far_in_the_future_still_zip():
    client = make_client(now="2108-03-01T09:00:00+00:00")
    r = extract(client, "2108-02-27")  # a Monday; zip timestamps end in 2107
    assert r.status_code == 200, r.text
    assert all(json.loads(v)["depositDate"] == "2108-02-27" for v in unzip(r).values())
