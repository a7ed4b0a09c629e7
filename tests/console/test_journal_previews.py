"""What the journal keeps of binary answers, for the console to show: a zip's entries, a small PDF."""

from __future__ import annotations

import base64
import io
import uuid
import zipfile

from sandbox.runtime import journal
from tests.conftest import make_client

AUTHENTIC = {"NBB-CBSO-Subscription-Key": "demo-authentic"}


def last_entry(client, operation: str) -> dict:
    read = client.get("/__sandbox/journal", params={"tenant": "demo", "operation": operation})
    return read.json()["entries"][-1]


def test_a_pdf_answer_is_kept_whole_for_its_preview():
    client = make_client()
    refs = client.get("/nbb/authentic/legalEntity/0000000592/references", headers=AUTHENTIC).json()
    pdf = client.get(
        f"/nbb/authentic/deposit/{refs[-1]['ReferenceNumber']}/accountingData",
        headers={**AUTHENTIC, "Accept": "application/pdf", "X-Request-Id": str(uuid.uuid4())},
    )
    entry = last_entry(client, "getAccountingData")
    assert entry["response"]["body"] == f"<{len(pdf.content)} bytes application/pdf>"  # as before
    assert base64.b64decode(entry["response"]["preview"]["pdf"]) == pdf.content


def test_a_zip_answer_lists_its_entries():
    client = make_client()
    zipped = client.get(
        "/nbb/extracts/batch/2026-11-16/references",
        headers={"NBB-CBSO-Subscription-Key": "demo-extracts", "Accept": "application/x.zip+json"},
    )
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    preview = last_entry(client, "getExtractReferences")["response"]["preview"]
    assert preview["entries"] == len(names)
    assert [e["name"] for e in preview["zip"]] == names[: journal.ZIP_LISTING_LIMIT]


def test_a_large_pdf_a_broken_zip_and_text_get_no_preview():
    big = b"%PDF-1.4" + b"0" * journal.PDF_PREVIEW_LIMIT
    entry = journal.entry(
        api="x",
        operation_id=None,
        method="GET",
        path="/",
        query="",
        request_headers=[],
        request_body=b"",
        status=200,
        response_headers=[("content-type", "application/pdf")],
        response_body=big,
        started=0,
        duration=0,
    )
    assert "preview" not in entry["response"] and "preview" not in entry["request"]
    for content_type, body in (("application/zip", b"not a zip"), ("application/json", b"{}")):
        entry = journal.entry(
            api="x",
            operation_id=None,
            method="GET",
            path="/",
            query="",
            request_headers=[],
            request_body=b"",
            status=200,
            response_headers=[("content-type", content_type)],
            response_body=body,
            started=0,
            duration=0,
        )
        assert "preview" not in entry["response"]
