"""Check what the client sent against the operation: its parameters (coerced from text), the scope
templates those fill, its decoded body against the body schema, and its `Accept` header. Every
broken rule is named in one 400, field by field."""

from __future__ import annotations

import copy
from typing import Any

from starlette.datastructures import MultiDict
from starlette.requests import Request

from sandbox import errors
from sandbox.errors import ApiError, Violation
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.context import Upload
from sandbox.runtime.exchange import EMPTY_HEADERS, Exchange
from sandbox.spec.negotiate import negotiate
from sandbox.spec.operations import Operation
from sandbox.spec.validate import coerce, violations

# Outcomes of the parameter check kept per operation: a client asks the same few URLs again and again
KNOWN_PER_OPERATION = 256


def parameters(
    api: ApiRuntime, op: Operation, request: Request, path_params: dict[str, str], exchange: Exchange
) -> dict[str, Any]:
    """The operation's parameters, coerced. A query parameter it does not name is refused only by
    an API marked `unknown-query: refuse`; otherwise it is left to the journal, for the checks. A
    header marked `empty: absent` and sent blank is taken as absent, and noted for the checks too.

    The outcome is a function of the path's parameters, the query string and the operation's own
    headers and cookies, so an accepted one is kept, per operation, for the next request that
    sends the same."""
    key = _inputs(op, request, path_params)
    known = op.known_parameters.get(key)
    if known is None:
        known = _checked(api, op, request, path_params)
        if len(op.known_parameters) >= KNOWN_PER_OPERATION:
            op.known_parameters.clear()
        op.known_parameters[key] = known
    values, ignored, empty = known
    exchange.ignored_query.extend(ignored)
    if empty:
        exchange.notes.setdefault(EMPTY_HEADERS, []).extend(empty)
    return {
        name: copy.copy(value) if isinstance(value, list | dict) else value for name, value in values.items()
    }


def _inputs(op: Operation, request: Request, path_params: dict[str, str]) -> tuple:
    """What the check of the operation's parameters reads from the request."""
    sent = [request.scope["query_string"], *path_params.items()]
    for param in op.parameters:
        if param.location == "header":
            sent.append(request.headers.get(param.name))
        elif param.location == "cookie":
            sent.append(request.cookies.get(param.name))
    return tuple(sent)


def _checked(
    api: ApiRuntime, op: Operation, request: Request, path_params: dict[str, str]
) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    values: dict[str, Any] = {}
    found: list[Violation] = []
    ignored: list[str] = []
    empty: list[str] = []
    query = request.query_params
    if api.query_case_insensitive:
        by_name = {p.name.lower(): p.name for p in op.parameters if p.location == "query"}
        query = MultiDict([(by_name.get(k.lower(), k), v) for k, v in query.multi_items()])
    for param in op.parameters:
        raw: str | list[str] | None
        if param.location == "path":
            raw = path_params.get(param.name)
        elif param.location == "query":
            many = query.getlist(param.name)
            raw = (many if len(many) > 1 else many[0]) if many else None
        elif param.location == "header":
            raw = request.headers.get(param.name)
            if param.empty_absent and raw is not None and not raw.strip(" \t"):
                empty.append(param.name)
                raw = None
        else:
            raw = request.cookies.get(param.name)
        if raw is None:
            if param.required:
                found.append(Violation(param.name, "required", "is required"))
            continue
        value = param.coerce(raw)
        if param.validator is not None:
            found.extend(violations(param.validator, value, param.name))
        values[param.name] = value
    known = op.query_names
    for name in query:
        if name in known:
            continue
        if not api.refuses_unknown_query:
            ignored.append(name)
            continue
        listed = ", ".join(sorted(known)) or "none"
        message = f"is not a query parameter of this operation (known: {listed})"
        found.append(Violation(name, "unknown", message))
    if found:
        found.sort(key=lambda v: (v.field, v.rule))
        raise ApiError(400, errors.INVALID_REQUEST, "The request has invalid parameters", violations=found)
    return values, tuple(ignored), tuple(empty)


def body(op: Operation, media_type: str | None, decoded: Any) -> Any:
    """The body the handler gets, once it fits the schema of its media type."""
    if media_type is None or op.body is None:
        return decoded
    validator = op.body.validators[media_type]
    if validator is None:
        return decoded
    if media_type == "multipart/form-data":
        return _multipart(validator, decoded)
    found = violations(validator, decoded, "")
    if found:
        raise ApiError(400, errors.INVALID_REQUEST, "The request body is invalid", violations=found)
    return decoded


def _is_file(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("format") == "binary" or "contentMediaType" in schema or "contentEncoding" in schema
    )


def _multipart(validator, parts: dict[str, Any]) -> dict[str, Any]:
    """Multipart parts against an object schema: a property declared as a file (`format: binary`,
    `contentMediaType`) must come as a file part; other fields are text, coerced to their
    property's type as query parameters are. Files are checked as their text."""
    properties = validator.schema.get("properties", {}) if isinstance(validator.schema, dict) else {}
    found: list[Violation] = []
    values: dict[str, Any] = {}
    checked: dict[str, Any] = {}
    for name, value in parts.items():
        schema = properties.get(name, {})
        items = schema.get("items", {}) if schema.get("type") == "array" else schema
        many = value if isinstance(value, list) else [value]
        if _is_file(items):
            if any(not isinstance(v, Upload) for v in many):
                found.append(Violation(name, "file", "must be a file part (with a filename)"))
            values[name] = value
            checked[name] = [_text(v) for v in many] if isinstance(value, list) else _text(value)
            continue
        texts = [_text(v) for v in many]
        coerced = coerce(texts if isinstance(value, list) else texts[0], schema) if schema else value
        values[name] = checked[name] = coerced
    found += violations(validator, checked, "")
    if found:
        found.sort(key=lambda v: (v.field, v.rule))
        raise ApiError(400, errors.INVALID_REQUEST, "The request body is invalid", violations=found)
    return values


def _text(value: Any) -> str:
    return value.data.decode("utf-8", "replace") if isinstance(value, Upload) else value


def accept(api: ApiRuntime, op: Operation, request: Request) -> str | None:
    """The media type the answer takes, chosen by `Accept` among those the operation produces
    (the first, whatever `Accept` says, for an API that ignores it)."""
    if api.ignores_accept:
        return op.produces[0] if op.produces else None
    media_type = negotiate(request.headers.get("accept"), op.produces)
    if op.produces and media_type is None:
        raise ApiError(
            api.unacceptable_status,
            errors.NOT_ACCEPTABLE,
            f"Accept {request.headers.get('accept')!r} names none of: {', '.join(op.produces)}",
        )
    return media_type
