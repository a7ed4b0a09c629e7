"""Compile each operation of a spec once: its parameters, body, responses and validators."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sandbox.spec.loader import SpecDocument, SpecError, pointer_join
from sandbox.spec.validate import Parameter, with_fast_path
from sandbox.spec.xsandbox import Fidelity, JobMark, RefusedUserAgents

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def is_json_media_type(media_type: str) -> bool:
    main = media_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or main.endswith("+json") or main.endswith(".jsonxbrl")


@dataclass
class Body:
    required: bool
    validators: dict[str, Validator | None]  # media type -> validator (None: not JSON-like)


class LazyValidators(Mapping[str, "Validator | None"]):
    """Media type -> validator of a response's JSON-like bodies, each compiled when first asked
    for: only strict mode asks, so a server that is not strict never compiles them. Each schema
    was checked against the metaschema when the spec was loaded."""

    def __init__(self, doc: SpecDocument, pointers: dict[str, str | None]) -> None:
        self._doc = doc
        self._pointers = pointers  # media type -> its schema's pointer, None when not validated
        self._compiled: dict[str, Validator | None] = {}

    def __getitem__(self, media_type: str) -> Validator | None:
        if media_type not in self._compiled:
            pointer = self._pointers[media_type]
            self._compiled[media_type] = None if pointer is None else self._doc.validator(pointer)
        return self._compiled[media_type]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pointers)

    def __len__(self) -> int:
        return len(self._pointers)


@dataclass
class ResponseSpec:
    status: str  # "200", "4XX", "default"
    content: Mapping[str, Validator | None]  # media type -> validator for JSON-like bodies
    schemas: dict[str, dict]
    headers: dict[str, dict]


@dataclass
class Operation:
    api: str
    operation_id: str
    method: str
    path: str
    parameters: list[Parameter]
    body: Body | None
    responses: dict[str, ResponseSpec]
    produces: list[str]  # media types of the success response, first is the default
    security: list[dict[str, list[str]]]
    spec: dict = field(repr=False)
    credential_query: frozenset[str] = frozenset()  # query names of its API-key schemes
    credential_headers: frozenset[str] = frozenset()  # header names of its API-key schemes, lower case
    fidelity: Fidelity | None = None  # the operation's label, or the document's
    job: JobMark | None = None  # its part in an asynchronous job, if any
    max_body: int | None = None  # bytes of body taken, if its real service states a limit
    uncounted: bool = False  # not counted against the rate limit (x-sandbox: {uncounted: true})
    token_endpoint: bool = (
        False  # an OAuth2 token endpoint of the API's own (x-sandbox: {token-endpoint: true})
    )
    refused_user_agents: RefusedUserAgents | None = None  # its API's x-sandbox.refused-user-agents
    # accepted parameters by what the request sent (see pipeline/validate.py), filled as requests come
    known_parameters: dict[tuple, tuple[dict, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def query_names(self) -> frozenset[str]:
        """The query names the operation takes: its parameters, and the keys of its schemes."""
        return self._query_names

    def __post_init__(self) -> None:
        declared = frozenset(p.name for p in self.parameters if p.location == "query")
        self._query_names = declared | self.credential_query

    def response(self, status: int) -> ResponseSpec | None:
        code = str(status)
        return self.responses.get(code) or self.responses.get(f"{code[0]}XX") or self.responses.get("default")


def compile_operations(doc: SpecDocument, api: str) -> list[Operation]:
    operations: list[Operation] = []
    seen_ids: set[str] = set()
    global_security = doc.raw.get("security", [])
    schemes = doc.raw.get("components", {}).get("securitySchemes", {})
    document_fidelity = Fidelity.of(doc.raw.get("info"))
    refused_user_agents = RefusedUserAgents.of(doc.meta)
    for path, item in doc.raw.get("paths", {}).items():
        item_pointer = pointer_join("/paths", path)
        item, item_pointer = doc.follow(item, item_pointer)
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op_pointer = pointer_join(item_pointer, method)
            raw = item[method]
            operation_id = raw.get("operationId")
            if not operation_id:
                raise SpecError(f"{doc.path}: {method.upper()} {path} has no operationId")
            if operation_id in seen_ids:
                raise SpecError(f"{doc.path}: operationId {operation_id} is used twice")
            seen_ids.add(operation_id)
            parameters = _parameters(
                doc,
                [(p, pointer_join(item_pointer, "parameters", i)) for i, p in enumerate(shared)]
                + [
                    (p, pointer_join(op_pointer, "parameters", i))
                    for i, p in enumerate(raw.get("parameters", []))
                ],
            )
            responses = _responses(doc, raw.get("responses", {}), pointer_join(op_pointer, "responses"))
            success = sorted(code for code in responses if code.startswith("2"))
            produces = list(responses[success[0]].content) if success else []
            security = raw.get("security", global_security)
            operations.append(
                Operation(
                    api=api,
                    operation_id=operation_id,
                    method=method.upper(),
                    path=path,
                    parameters=parameters,
                    body=_body(doc, raw.get("requestBody"), pointer_join(op_pointer, "requestBody")),
                    responses=responses,
                    produces=produces,
                    security=security,
                    spec=raw,
                    credential_query=_key_names(schemes, security, "query"),
                    credential_headers=frozenset(n.lower() for n in _key_names(schemes, security, "header")),
                    fidelity=Fidelity.of(raw, document_fidelity),
                    job=JobMark.of(raw),
                    max_body=(raw.get("x-sandbox") or {}).get("max-body"),
                    uncounted=bool((raw.get("x-sandbox") or {}).get("uncounted")),
                    token_endpoint=bool((raw.get("x-sandbox") or {}).get("token-endpoint")),
                    refused_user_agents=refused_user_agents,
                )
            )
    return operations


def _key_names(schemes: dict, security: list[dict[str, list[str]]], location: str) -> frozenset[str]:
    named = (schemes.get(name, {}) for requirement in security for name in requirement)
    return frozenset(s["name"] for s in named if s.get("type") == "apiKey" and s.get("in") == location)


def _parameters(doc: SpecDocument, declared: list[tuple[dict, str]]) -> list[Parameter]:
    by_key: dict[tuple[str, str], Parameter] = {}
    for node, pointer in declared:
        node, pointer = doc.follow(node, pointer)
        location = node["in"]
        name = node["name"]
        if location == "header" and name.lower() in ("accept", "content-type", "authorization"):
            continue  # OpenAPI: such header parameters are ignored
        schema_pointer = pointer_join(pointer, "schema")
        schema = doc.schema_at(schema_pointer) if "schema" in node else {}
        style = node.get("style", "form" if location in ("query", "cookie") else "simple")
        parameter = Parameter(
            name=name,
            location=location,
            required=bool(node.get("required", location == "path")),
            schema=schema,
            validator=with_fast_path(doc.validator(schema_pointer)) if "schema" in node else None,
            explode=bool(node.get("explode", style == "form")),
            empty_absent=(node.get("x-sandbox") or {}).get("empty") == "absent",
        )
        if parameter.empty_absent:
            _check_empty_absent(doc, parameter, pointer)
        by_key[(location, name.lower() if location == "header" else name)] = parameter
    return list(by_key.values())


def _check_empty_absent(doc: SpecDocument, parameter: Parameter, pointer: str) -> None:
    """`empty: absent` is a promise to clients and to Schemathesis alike: the spec must admit what
    the sandbox takes, so it is held to that when the spec is loaded."""
    where = f"{doc.path}: #{pointer}: {parameter.name} is marked x-sandbox {{empty: absent}}"
    if parameter.location != "header":
        raise SpecError(f"{where}, which only a header parameter may be (it is in {parameter.location})")
    if parameter.required:
        raise SpecError(f"{where} but is required: only an optional header can be taken as absent")
    if parameter.validator is not None and not parameter.validator.is_valid(""):
        raise SpecError(
            f"{where} but its schema refuses the empty string: admit it, e.g. "
            "anyOf: [{type: string, format: uuid}, {type: string, pattern: '^[ \\t]*$'}]"
        )


def _schema_pointers(content: dict, pointer: str) -> dict[str, str | None]:
    """Media type -> the pointer of its schema, when it has one and its bodies are JSON-like."""
    pointers: dict[str, str | None] = {}
    for media_type, media in content.items():
        has_schema = isinstance(media, dict) and "schema" in media
        json_like = is_json_media_type(media_type) or media_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        )
        pointers[media_type] = (
            pointer_join(pointer, media_type, "schema") if has_schema and json_like else None
        )
    return pointers


def _content_validators(doc: SpecDocument, content: dict, pointer: str) -> dict[str, Validator | None]:
    return {
        media_type: None if found is None else doc.validator(found)
        for media_type, found in _schema_pointers(content, pointer).items()
    }


def _body(doc: SpecDocument, node: dict | None, pointer: str) -> Body | None:
    if node is None:
        return None
    node, pointer = doc.follow(node, pointer)
    return Body(
        required=bool(node.get("required", False)),
        validators=_content_validators(doc, node.get("content", {}), pointer_join(pointer, "content")),
    )


def _responses(doc: SpecDocument, node: dict, pointer: str) -> dict[str, ResponseSpec]:
    responses: dict[str, ResponseSpec] = {}
    for status, response in node.items():
        response, response_pointer = doc.follow(response, pointer_join(pointer, status))
        content = response.get("content", {})
        content_pointer = pointer_join(response_pointer, "content")
        schemas = {
            media_type: doc.schema_at(pointer_join(content_pointer, media_type, "schema"))
            for media_type, media in content.items()
            if isinstance(media, dict) and "schema" in media
        }
        headers = {}
        for name, header in response.get("headers", {}).items():
            header, _ = doc.follow(header, pointer_join(response_pointer, "headers", name))
            headers[name] = header
        pointers = _schema_pointers(content, content_pointer)
        for found in pointers.values():
            if found is not None:
                doc.check_schema(found)
        responses[status] = ResponseSpec(
            status=status,
            content=LazyValidators(doc, pointers),
            schemas=schemas,
            headers=headers,
        )
    return responses
