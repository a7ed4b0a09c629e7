"""Intervat phase 1: a return walks received -> validated -> submitted, or is rejected naming the
rule it breaks; each rule has a return that breaks exactly it."""

import io

import pytest
from pypdf import PdfReader

from tests.fod.conftest import ACCOUNTANT, BAKERY, GARAGE, INTERVAT, advance, bearer, user_token

XML = {"Content-Type": "application/xml"}
VALID_QUARTER = {"03": "10000.00", "54": "2100.00", "81": "5000.00", "59": "1050.00", "71": "1050.00"}


def consignment(
    grids=None,
    *,
    declarant=BAKERY,
    period="<ns2:Quarter>3</ns2:Quarter><ns2:Year>2026</ns2:Year>",
    representative=ACCOUNTANT,
    replaces=None,
    count=1,
    reference="REF-1",
    issued_by="BE",
    declared=None,
) -> bytes:
    grids = VALID_QUARTER if grids is None else grids
    amounts = "".join(f'<ns2:Amount GridNumber="{g}">{v}</ns2:Amount>' for g, v in grids.items())
    rep = (
        f'<ns2:Representative><RepresentativeID identificationType="NVAT" issuedBy="{issued_by}">'
        f"{representative}</RepresentativeID><Name>Peeters</Name><Street>Kerkstraat 1</Street>"
        "<PostCode>9000</PostCode><City>Gent</City><CountryCode>BE</CountryCode>"
        "<EmailAddress>an@peeters.be</EmailAddress><Phone>091234567</Phone></ns2:Representative>"
        if representative
        else ""
    )
    replaced = f"<ns2:ReplacedVATDeclaration>{replaces}</ns2:ReplacedVATDeclaration>" if replaces else ""
    declarations = "".join(
        f'<ns2:VATDeclaration SequenceNumber="{n}" DeclarantReference="{reference}">{replaced}'
        f"<ns2:Declarant><VATNumber>{declarant}</VATNumber><Name>Bakkerij</Name><Street>Markt 2</Street>"
        "<PostCode>9000</PostCode><City>Gent</City><CountryCode>BE</CountryCode>"
        "<EmailAddress>info@bakkerij.be</EmailAddress><Phone>091111111</Phone></ns2:Declarant>"
        f"<ns2:Period>{period}</ns2:Period><ns2:Data>{amounts}</ns2:Data>"
        '<ns2:ClientListingNihil>NO</ns2:ClientListingNihil><ns2:Ask Restitution="NO" Payment="NO"/>'
        "</ns2:VATDeclaration>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ns2:VATConsignment xmlns="http://www.minfin.fgov.be/InputCommon" '
        'xmlns:ns2="http://www.minfin.fgov.be/VATConsignment" '
        f'VATDeclarationsNbr="{count if declared is None else declared}">'
        f"{rep}{declarations}</ns2:VATConsignment>"
    ).encode()


def submit(fod, token, body: bytes):
    response = fod.post(f"{INTERVAT}/vat-returns", content=body, headers={**token, **XML})
    assert response.status_code == 202, response.text
    assert response.headers["Location"].endswith(response.json()["submissionId"])
    return response.json()["submissionId"]


def outcome(fod, token, submission: str, seconds: float = 31) -> dict:
    advance(fod, seconds)
    response = fod.get(f"{INTERVAT}/vat-returns/{submission}", headers=token)
    assert response.status_code == 200, response.text
    return response.json()


def errors_of(fod, token, body: bytes) -> list[dict]:
    found = outcome(fod, token, submit(fod, token, body))
    assert found["status"] == "rejected", found
    return found["errors"]


def walk_to_submitted(fod, token, body: bytes) -> dict:
    submission = submit(fod, token, body)
    pending = fod.get(f"{INTERVAT}/vat-returns/{submission}", headers=token)
    assert (pending.status_code, pending.json()["status"]) == (202, "received")
    assert int(pending.headers["Retry-After"]) >= 1
    early = fod.get(f"{INTERVAT}/vat-returns/{submission}/acknowledgement", headers=token)
    assert (early.status_code, early.json()["code"]) == (409, "not_submitted")
    assert outcome(fod, token, submission)["status"] == "validated"
    done = outcome(fod, token, submission, 60)
    assert done["status"] == "submitted" and done["errors"] == []
    pdf = fod.get(f"{INTERVAT}/vat-returns/{submission}/acknowledgement", headers=token)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    for decl in done["declarations"]:
        assert decl["intervatReference"].split("-")[1] == decl["declarant"]
        assert decl["intervatReference"] in _text(pdf.content)
    return done


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_valid_quarterly_return_walks_to_submitted_with_its_acknowledgement(fod, accountant):
    done = walk_to_submitted(fod, accountant, consignment())
    assert done["declarations"][0]["period"] == "2026-Q3"
    pdf = fod.get(f"{INTERVAT}/vat-returns/{done['submissionId']}/acknowledgement", headers=accountant)
    assert "REF-1" in _text(pdf.content)


def test_a_valid_monthly_return_with_unpadded_grid_numbers_walks_to_submitted(fod, accountant):
    grids = {
        "0": "500.00",
        "3": "10000.00",
        "54": "2100.00",
        "81": "5000.00",
        "59": "2200.00",
        "72": "100.00",
    }
    month = "<ns2:Month>10</ns2:Month><ns2:Year>2026</ns2:Year>"
    done = walk_to_submitted(fod, accountant, consignment(grids, period=month))
    assert done["declarations"][0]["amounts"]["00"] == "500.00"


def test_a_correction_of_an_accepted_return_walks_to_submitted(fod, accountant):
    original = walk_to_submitted(fod, accountant, consignment())["declarations"][0]["intervatReference"]
    grids = {**VALID_QUARTER, "03": "10100.00", "54": "2121.00", "71": "1071.00"}
    done = walk_to_submitted(fod, accountant, consignment(grids, replaces=original))
    assert done["declarations"][0]["replaces"] == original


def test_a_declarant_filing_its_own_return_needs_no_representative(fod):
    token = bearer(user_token(fod, BAKERY))
    walk_to_submitted(fod, token, consignment(representative=None))


def test_a_multipart_file_is_taken_like_a_body(fod, accountant):
    files = {"file": ("return.xml", consignment(), "application/xml")}
    response = fod.post(f"{INTERVAT}/vat-returns", files=files, headers=accountant)
    assert response.status_code == 202, response.text
    assert outcome(fod, accountant, response.json()["submissionId"])["status"] == "validated"


# each case breaks exactly one rule of a valid return: (grids or keyword changes, code, grids named)
RULES = [
    ({"grids": {**VALID_QUARTER, "91": "100.00"}}, "GRID_91_ABOLISHED", ["91"]),
    ({"grids": {**VALID_QUARTER, "50": "1.00"}}, "UNKNOWN_GRID", ["50"]),
    ({"grids": {**VALID_QUARTER, "81": "5000"}}, "AMOUNT_FORMAT", ["81"]),
    ({"grids": {**VALID_QUARTER, "82": "-10.00"}}, "13", ["82"]),
    (
        {"period": "<ns2:Month>1</ns2:Month><ns2:Quarter>1</ns2:Quarter><ns2:Year>2026</ns2:Year>"},
        "PERIOD_MONTH_XOR_QUARTER",
        [],
    ),
    ({"period": "<ns2:Year>2026</ns2:Year>"}, "PERIOD_MONTH_XOR_QUARTER", []),
    ({"grids": {**VALID_QUARTER, "71": "1000.00"}}, "BALANCE_71_72", ["71", "72"]),
    ({"grids": {**VALID_QUARTER, "86": "100.00"}}, "C", ["55", "86", "88"]),
    ({"grids": {**VALID_QUARTER, "87": "100.00"}}, "D", ["56", "57", "87"]),
    ({"grids": {**VALID_QUARTER, "54": "2200.00", "71": "1150.00"}}, "O", ["01", "02", "03", "54"]),
    (
        {"grids": {**VALID_QUARTER, "86": "100.00", "55": "100.00", "71": "1150.00"}},
        "P",
        ["84", "86", "88", "55"],
    ),
    (
        {"grids": {**VALID_QUARTER, "87": "100.00", "56": "100.00", "71": "1150.00"}},
        "Q",
        ["85", "87", "56", "57"],
    ),
    (
        {"grids": {**VALID_QUARTER, "59": "2600.00", "71": "0.00", "72": "500.00"}},
        "S",
        ["81", "82", "83", "84", "85", "59"],
    ),
    ({"grids": {**VALID_QUARTER, "63": "100.00", "71": "1150.00"}}, "T", ["85", "63"]),
    ({"grids": {**VALID_QUARTER, "64": "100.00", "71": "950.00"}}, "U", ["49", "64"]),
    (
        {
            "grids": {
                **VALID_QUARTER,
                "88": "600000.00",
                "55": "126000.00",
                "84": "0.00",
                "71": "127050.00",
                "81": "5000.00",
                "82": "1000.00",
            }
        },
        "AC",
        ["88", "81", "82", "83", "84"],
    ),
    ({"grids": {**VALID_QUARTER, "44": "2100000.00"}}, "AD", ["44"]),
    ({"declarant": "0442001778"}, "DECLARANT_VAT_INVALID", []),
    ({"declarant": "BE0442001779"}, "DECLARANT_VAT_INVALID", []),
    ({"declared": 2}, "DECLARATIONS_NBR", []),
    ({"issued_by": "GR"}, "REPRESENTATIVE_ISSUED_BY", []),
]


@pytest.mark.parametrize(
    ("change", "code", "grids"), RULES, ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(RULES)]
)
def test_each_rule_rejects_a_return_that_breaks_exactly_it(fod, accountant, change, code, grids):
    errors = errors_of(fod, accountant, consignment(**change))
    assert [e["code"] for e in errors] == [code], errors
    assert errors[0].get("grids", []) == grids
    if code not in ("GRID_91_ABOLISHED", "UNKNOWN_GRID", "AMOUNT_FORMAT") and grids:
        assert "difference" in errors[0]


def test_the_difference_is_named(fod, accountant):
    errors = errors_of(fod, accountant, consignment({**VALID_QUARTER, "71": "1000.00"}))
    assert errors[0]["difference"] == "-50.00" and "1050.00" in errors[0]["message"]


def test_within_the_62_euro_tolerance_rule_o_holds(fod, accountant):
    grids = {**VALID_QUARTER, "54": "2160.00", "71": "1110.00"}
    assert outcome(fod, accountant, submit(fod, accountant, consignment(grids)))["status"] == "validated"


def test_a_file_for_a_declarant_without_vat_mandate_is_rejected_whole(fod, accountant):
    body = consignment().replace(b"</ns2:VATConsignment>", b"")
    other = consignment(declarant=GARAGE).split(b"<ns2:VATDeclaration ", 1)[1]
    body = body + b"<ns2:VATDeclaration " + other.replace(b'SequenceNumber="1"', b'SequenceNumber="2"')
    body = body.replace(b'VATDeclarationsNbr="1"', b'VATDeclarationsNbr="2"')
    errors = errors_of(fod, accountant, body)
    assert [(e["code"], e.get("declaration")) for e in errors] == [("NO_VAT_MANDATE", 2)]
    assert GARAGE in errors[0]["message"]


def test_a_mandatary_must_name_itself_as_representative(fod, accountant):
    assert [e["code"] for e in errors_of(fod, accountant, consignment(representative=None))] == [
        "REPRESENTATIVE_MISSING"
    ]


def test_a_correction_must_name_an_accepted_declaration_of_at_most_18_months(fod, accountant):
    errors = errors_of(fod, accountant, consignment(replaces="123456-0442001779-000001"))
    assert [e["code"] for e in errors] == ["REPLACED_NOT_FOUND"]
    original = walk_to_submitted(fod, accountant, consignment())["declarations"][0]["intervatReference"]
    advance(fod, 19 * 31 * 86400)
    token = bearer(user_token(fod, ACCOUNTANT))
    assert [e["code"] for e in errors_of(fod, token, consignment(replaces=original))] == [
        "CORRECTION_TOO_LATE"
    ]


def test_the_same_declaration_three_times_in_a_day_is_e_triple_decla_found(fod, accountant):
    for _ in range(2):
        submit(fod, accountant, consignment())
    assert [e["code"] for e in errors_of(fod, accountant, consignment())] == ["E_TRIPLE_DECLA_FOUND"]


def test_a_file_outside_the_fod_namespaces_is_rejected(fod, accountant):
    body = consignment().replace(b'xmlns="http://www.minfin.fgov.be/InputCommon"', b'xmlns="urn:other"')
    assert [e["code"] for e in errors_of(fod, accountant, body)] == ["NAMESPACE"]


@pytest.mark.parametrize("root", ["ClientListingConsignment", "IntraConsignment", "VATRefundConsignment"])
def test_listings_intra_community_and_refunds_are_not_in_phase_1(fod, accountant, root):
    body = f'<{root} xmlns="http://www.minfin.fgov.be/{root}"/>'.encode()
    response = fod.post(f"{INTERVAT}/vat-returns", content=body, headers={**accountant, **XML})
    assert (response.status_code, response.json()["code"]) == (422, "not_in_phase_1")


def test_xml_that_is_not_well_formed_is_code_99(fod, accountant):
    files = {"file": ("return.xml", b"<ns2:VATConsignment", "application/xml")}
    response = fod.post(f"{INTERVAT}/vat-returns", files=files, headers=accountant)
    assert response.status_code == 400 and response.json()["code"] in (
        "code_99",
        "bad_request",
        "malformed_body",
    )


def test_entities_are_not_resolved(fod, accountant):
    body = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<ns2:VATConsignment xmlns:ns2="http://www.minfin.fgov.be/VATConsignment" VATDeclarationsNbr="0">&e;'
        b"</ns2:VATConsignment>"
    )
    files = {"file": ("return.xml", body, "application/xml")}
    response = fod.post(f"{INTERVAT}/vat-returns", files=files, headers=accountant)
    assert response.status_code == 202
    found = outcome(fod, accountant, response.json()["submissionId"])
    assert [e["code"] for e in found["errors"]] == ["NO_DECLARATION"]
    assert "root:" not in str(found)


def test_more_than_999_declarations_is_413(fod, accountant):
    files = {"file": ("return.xml", consignment(count=1000), "application/xml")}
    response = fod.post(f"{INTERVAT}/vat-returns", files=files, headers=accountant)
    assert (response.status_code, response.json()["code"]) == (413, "too_many_declarations")


def test_submissions_are_listed_with_the_consultation_screens_filters(fod, accountant):
    accepted = walk_to_submitted(fod, accountant, consignment(reference="MINE-7"))
    rejected = submit(fod, accountant, consignment({**VALID_QUARTER, "91": "1.00"}, reference="MINE-8"))
    advance(fod, 31)

    def listed(**params):
        answer = fod.get(f"{INTERVAT}/vat-returns", headers=accountant, params=params).json()
        return [item["submissionId"] for item in answer["items"]]

    assert listed() == [rejected, accepted["submissionId"]]
    assert listed(status="submitted") == [accepted["submissionId"]]
    assert listed(status="rejected") == [rejected]
    assert listed(representativeReference="MINE-7") == [accepted["submissionId"]]
    reference = accepted["declarations"][0]["intervatReference"]
    assert listed(intervatReference=reference) == [accepted["submissionId"]]
    assert listed(representative=ACCOUNTANT, **{"from": "2026-11-17", "to": "2026-11-17"}) == listed()
    assert listed(**{"from": "2026-11-18"}) == []
    garage = bearer(user_token(fod, GARAGE))
    assert fod.get(f"{INTERVAT}/vat-returns/{rejected}", headers=garage).status_code == 404
