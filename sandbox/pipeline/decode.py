"""Read the request body by its media type, through a table of decoders: JSON (and `+json`),
form-urlencoded, multipart/form-data, XML (and `+xml`), and raw bytes for anything else.

A decoder returns what the handler gets as `ctx.body`, and what the body schema is checked against
(`validate.body`): for multipart, the fields as strings and the files as `Upload`s.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request

from sandbox import errors
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import Upload, XmlBody
from sandbox.spec.operations import Operation, is_json_media_type


def _invalid(rule: str, message: str, detail: str) -> ApiError:
    return ApiError(400, errors.INVALID_REQUEST, detail, violations=[Violation("body", rule, message)])


# deeper than any real API's documents, shallow enough for the schema validator's recursion
MAX_JSON_DEPTH = 64


async def json_body(request: Request, raw: bytes) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _invalid("json", f"is not valid JSON: {exc}", "The request body is not valid JSON") from exc
    if _depth_beyond(value, MAX_JSON_DEPTH):
        message = f"nests arrays and objects more than {MAX_JSON_DEPTH} deep"
        raise _invalid("depth", message, "The request body is nested too deep")
    return value


def _depth_beyond(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit`, walked without recursion."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                pending.append((child, depth + 1))
    return False


async def form_body(request: Request, raw: bytes) -> dict[str, str]:
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


async def multipart_body(request: Request, raw: bytes) -> dict[str, Any]:
    """Fields as strings, files as `Upload`s; a name sent more than once gives a list."""
    from starlette.formparsers import MultiPartException, MultiPartParser  # loads python-multipart

    async def chunks():
        yield raw

    try:
        form = await MultiPartParser(request.headers, chunks()).parse()
    except MultiPartException as exc:
        message = f"is not valid multipart/form-data: {exc.message}"
        raise _invalid("multipart", message, "The request body is not valid multipart/form-data") from exc
    parts: dict[str, list[Any]] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            data = await value.read()
            await value.close()
            value = Upload(value.filename, value.content_type, data)
        parts.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in parts.items()}


async def xml_body(request: Request, raw: bytes) -> XmlBody:
    from lxml import etree

    # no entities resolved, no DTD loaded, no network: a document cannot make the sandbox read a
    # file or a URL (XXE) or expand itself without end; a parser per call, as lxml's are not
    # safe to share between threads
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        message = f"is not well-formed XML: {exc}"
        raise _invalid("xml", message, "The request body is not well-formed XML") from exc
    for node in root.iter(etree.Entity):
        message = f"uses the entity &{node.name};, which the sandbox does not expand"
        raise _invalid("xml", message, "The request body uses XML entities")
    return XmlBody(root, raw)


async def raw_body(request: Request, raw: bytes) -> bytes:
    return raw


Decoder = Callable[[Request, bytes], Awaitable[Any]]

DECODERS: dict[str, Decoder] = {
    "application/json": json_body,
    "application/x-www-form-urlencoded": form_body,
    "multipart/form-data": multipart_body,
    "application/xml": xml_body,
    "text/xml": xml_body,
}


def decoder_for(media_type: str) -> Decoder:
    found = DECODERS.get(media_type)
    if found is not None:
        return found
    if is_json_media_type(media_type):
        return json_body
    if media_type.endswith("+xml"):
        return xml_body
    return raw_body


async def body(op: Operation, request: Request) -> tuple[str | None, Any]:
    """(media type, decoded body) of the request; (None, None) for an operation without a body or
    an optional body left out. 400 for a required body left out or one that does not parse, 415
    for a media type the operation does not take."""
    if op.body is None:
        return None, None
    raw = await request.body()
    if not raw:
        if op.body.required:
            raise ApiError(
                400,
                errors.INVALID_REQUEST,
                "The request body is missing",
                violations=[Violation("body", "required", "is required")],
            )
        return None, None
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type not in op.body.validators:
        raise ApiError(
            415,
            errors.UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type {media_type or '(none)'!r} is not one of: {', '.join(op.body.validators)}",
        )
    return media_type, await decoder_for(media_type)(request, raw)
