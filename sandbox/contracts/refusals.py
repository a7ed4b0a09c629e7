"""Checks of how a client treats an answer that says its request is wrong: it does not send the
same wrong request again and again."""

from __future__ import annotations

import json
from collections import defaultdict

from sandbox.contracts.exchanges import Entry
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged


def _request_key(entry: Entry) -> tuple:
    body = json.dumps(entry.request_body, sort_keys=True) if entry.request_body is not None else ""
    return (entry.api, entry.method, entry.path, entry.query, body)


def _why(entry: Entry) -> str:
    """What the refusal said, briefly, in any API's error shape."""
    body = entry.response_json
    if not isinstance(body, dict):
        return ""
    parts = [str(body[k]) for k in ("detail", "message", "error_description", "title") if body.get(k)][:1]
    for item in body.get("violations") or body.get("errors") or []:
        if isinstance(item, dict):
            field = item.get("field") or item.get("Code") or item.get("code") or ""
            text = item.get("message") or item.get("defaultMessage") or item.get("Message") or ""
            parts.append(f"{field}: {text}".strip(": "))
    said = "; ".join(parts)
    return f" ({said[:200]})" if said else ""


@check
def no_resend_after_400(ctx: Context) -> Judgement:
    """A request refused with 400 is fixed, not resent: the same request (method, path, query and
    body) is not answered 400 more than `bad_request_resends` time(s) after the first refusal.
    A 400 says the request itself is wrong; sending it again cannot help.

    Source: apis/nbb-cbso.md §5 (clients retry 408, 425, 429 and 5xx, not 400); design.md, "The
    contract-test suite" (error handling).
    """
    refused: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        if entry.status == 400 and not entry.fault:
            refused[_request_key(entry)].append(entry)
    allowed = 1 + ctx.config.bad_request_resends
    findings = [
        Finding(
            f"the same request was refused with 400 {len(sent)} times: {sent[0].method} {sent[0].target}"
            f"{_why(sent[0])}; fix the request instead of sending it again",
            [e.exchange for e in sent],
        )
        for sent in refused.values()
        if len(sent) > allowed
    ]
    return judged(len(refused), "requests refused with 400", findings)


@check
def no_repeated_unknown_path(ctx: Context) -> Judgement:
    """A path or method the API does not have (404 or 405 with no operation matched) is not
    asked again and again: no more than `unknown_path_resends` time(s) after the first answer.

    Source: design.md, "The contract-test suite" (general client behaviour).
    """
    unknown: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        if entry.operation_id is None and entry.status in (404, 405):
            unknown[(entry.api, entry.method, entry.path)].append(entry)
    allowed = 1 + ctx.config.unknown_path_resends
    findings = [
        Finding(
            f"{sent[0].method} {sent[0].path} is not an operation of {sent[0].api} "
            f"({sent[0].status}), yet was asked {len(sent)} times; check the path against the spec",
            [e.exchange for e in sent],
        )
        for sent in unknown.values()
        if len(sent) > allowed
    ]
    return judged(len(unknown), "unknown paths asked", findings)
