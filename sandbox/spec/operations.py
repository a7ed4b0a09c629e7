"""Compile each operation of a spec once: its parameters, body, responses and validators."""

from __future__ import annotations

from dataclasses import dataclass, field

from jsonschema.protocols import Validator

from sandbox.spec.loader import SpecDocument, SpecError, pointer_join
from sandbox.spec.validate import Parameter, with_fast_path
from sandbox.spec.xsandbox import Fidelity, JobMark

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def is_json_media_type(media_type: str) -> bool:
    main = media_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or main.endswith("+json") or main.endswith(".jsonxbrl")


@dataclass
class Body:
    required: bool
    validators: dict[str, Validator | None]  # media type -> validator (None: not JSON-like)


@dataclass
class ResponseSpec:
    status: str  # "200", "4XX", "default"
    content: dict[str, Validator | None]  # media type -> validator for JSON-like bodies
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
    fidelity: Fidelity | None = None  # the operation's label, or the document's
    job: JobMark | None = None  # its part in an asynchronous job, if any
    max_body: int | None = None  # bytes of body taken, if its real service states a limit
    uncounted: bool = False  # not counted against the rate limit (x-sandbox: {uncounted: true})
    token_endpoint: bool = (
        False  # an OAuth2 token endpoint of the API's own (x-sandbox: {token-endpoint: true})
    )
    # accepted parameters by what the request sent (see pipeline/validate.py), filled as requests come
    known_parameters: dict[tuple, tuple[dict, tuple[str, ...]]] = field(
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
                    credential_query=_query_keys(schemes, security),
                    fidelity=Fidelity.of(raw, document_fidelity),
                    job=JobMark.of(raw),
                    max_body=(raw.get("x-sandbox") or {}).get("max-body"),
                    uncounted=bool((raw.get("x-sandbox") or {}).get("uncounted")),
                    token_endpoint=bool((raw.get("x-sandbox") or {}).get("token-endpoint")),
                )
            )
    return operations


def _query_keys(schemes: dict, security: list[dict[str, list[str]]]) -> frozenset[str]:
    named = (schemes.get(name, {}) for requirement in security for name in requirement)
    return frozenset(s["name"] for s in named if s.get("type") == "apiKey" and s.get("in") == "query")


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
        by_key[(location, name.lower() if location == "header" else name)] = Parameter(
            name=name,
            location=location,
            required=bool(node.get("required", location == "path")),
            schema=schema,
            validator=with_fast_path(doc.validator(schema_pointer)) if "schema" in node else None,
            explode=bool(node.get("explode", style == "form")),
        )
    return list(by_key.values())


def _content_validators(doc: SpecDocument, content: dict, pointer: str) -> dict[str, Validator | None]:
    validators: dict[str, Validator | None] = {}
    for media_type, media in content.items():
        has_schema = isinstance(media, dict) and "schema" in media
        json_like = is_json_media_type(media_type) or media_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        )
        validators[media_type] = (
            doc.validator(pointer_join(pointer, media_type, "schema")) if has_schema and json_like else None
        )
    return validators


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
        responses[status] = ResponseSpec(
            status=status,
            content=_content_validators(doc, content, content_pointer),
            schemas=schemas,
            headers=headers,
        )
    return responses
