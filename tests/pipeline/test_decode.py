"""Reading the body by its media type: JSON, multipart/form-data, XML, raw bytes; 400 for one that
does not parse, 415 for a media type the operation does not take."""

import uuid

import pytest

from sandbox.pipeline.decode import (
    DECODERS,
    decoder_for,
    form_body,
    json_body,
    multipart_body,
    raw_body,
    xml_body,
)
from tests.pipeline.conftest import KEY

STATEMENT = b'<?xml version="1.0"?><Stmt><Ntry>1</Ntry><Ntry>2</Ntry></Stmt>'


def test_bad_json_missing_body_and_wrong_content_type(ledger):
    bad = ledger.post("/ledger/accounts", content=b"{", headers={**KEY, "Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json()["violations"][0]["rule"] == "json"
    missing = ledger.post("/ledger/accounts", headers=KEY)
    assert missing.status_code == 400 and missing.json()["violations"][0]["field"] == "body"
    wrong = ledger.post("/ledger/accounts", content=b"a=1", headers={**KEY, "Content-Type": "text/plain"})
    assert wrong.status_code == 415 and "text/plain" in wrong.json()["detail"]


def test_a_multipart_upload_reaches_the_handler_with_its_file_and_fields(ledger):
    r = ledger.post(
        "/ledger/accounts/7/attachments",
        headers=KEY,
        data={"kind": "invoice", "pages": "3", "tags": ["q1", "paid"]},
        files={"document": ("invoice-7.pdf", b"%PDF-1.7 fake", "application/pdf")},
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "kind": "invoice",
        "pages": 3,
        "tags": ["q1", "paid"],
        "document": {"filename": "invoice-7.pdf", "type": "application/pdf", "size": 13},
    }


def test_a_multipart_body_that_does_not_parse_is_400(ledger):
    headers = {**KEY, "Content-Type": "multipart/form-data"}  # no boundary
    r = ledger.post("/ledger/accounts/7/attachments", headers=headers, content=b"--x\r\n")
    assert r.status_code == 400
    assert r.json()["violations"][0]["rule"] == "multipart"
    assert r.json()["detail"] == "The request body is not valid multipart/form-data"


@pytest.mark.parametrize("media_type", ["application/xml", "application/vnd.ledger.statement+xml"])
def test_an_xml_body_reaches_the_handler_parsed_and_raw(ledger, media_type):
    r = ledger.post(
        "/ledger/accounts/7/statements", headers={**KEY, "Content-Type": media_type}, content=STATEMENT
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"root": "Stmt", "entries": 2, "bytes": len(STATEMENT)}


def test_malformed_xml_is_400_in_the_api_shape(ledger):
    headers = {**KEY, "Content-Type": "application/xml"}
    r = ledger.post("/ledger/accounts/7/statements", headers=headers, content=b"<Stmt><Ntry></Stmt>")
    assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["detail"] == "The request body is not well-formed XML"
    assert r.json()["violations"][0]["rule"] == "xml"


def test_xml_entities_are_neither_resolved_nor_expanded(ledger, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-leak")
    headers = {**KEY, "Content-Type": "application/xml"}
    external = f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file://{secret}">]><a>&x;</a>'
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;&l;&l;&l;&l;&l;&l;">'
        '<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]><a>&l3;</a>'
    )
    for document in (external, laughs):
        r = ledger.post("/ledger/accounts/7/statements", headers=headers, content=document.encode())
        assert r.status_code == 400
        assert r.json()["detail"] == "The request body uses XML entities"
        assert "do-not-leak" not in r.text and "lollol" not in r.text


def test_octet_stream_reaches_the_handler_as_bytes(ledger):
    blob = bytes(range(256))
    headers = {**KEY, "Content-Type": "application/octet-stream"}
    r = ledger.put("/ledger/accounts/7/blob", headers=headers, content=blob)
    assert r.json() == {"size": 256, "start": "00010203"}


def test_the_decoder_table_by_media_type():
    assert DECODERS["application/json"] is json_body
    assert DECODERS["multipart/form-data"] is multipart_body
    assert decoder_for("application/x-www-form-urlencoded") is form_body
    assert decoder_for("application/problem+json") is json_body
    assert decoder_for("text/xml") is xml_body
    assert decoder_for("application/soap+xml") is xml_body
    assert decoder_for("application/pdf") is raw_body


def test_the_journal_keeps_an_uploaded_body(ledger):
    ledger.post(
        "/ledger/accounts/7/attachments",
        headers={**KEY, "X-Trace": str(uuid.uuid4())},
        data={"kind": "receipt"},
        files={"document": ("r.txt", b"paid", "text/plain")},
    )
    entry = ledger.get("/__sandbox/journal", params={"tenant": "demo"}).json()["entries"][-1]
    assert (entry["operationId"], entry["status"]) == ("attachDocument", 201)
