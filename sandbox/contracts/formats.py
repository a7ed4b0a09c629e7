"""Which media types each operation serves, read from OpenAPI documents: the one thing about
the APIs a check needs beyond the journal (whether an Accept header named a served format)."""

from __future__ import annotations

from collections.abc import Iterable

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _follow(document: dict, node: dict) -> dict:
    """A local `$ref` (`#/components/...`) followed to what it names, however many hops."""
    for _ in range(32):  # a reference cycle ends here rather than looping
        reference = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(reference, str) or not reference.startswith("#/"):
            break
        node = document
        for token in reference[2:].split("/"):
            node = node.get(token.replace("~1", "/").replace("~0", "~"), {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


def served_formats(documents: Iterable[dict]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(api, operationId) -> the media types of the operation's success answer, the default first,
    for each document with an `x-sandbox` api name."""
    formats: dict[tuple[str, str], tuple[str, ...]] = {}
    for document in documents:
        api = (document.get("x-sandbox") or {}).get("api")
        if not api:
            continue
        for item in (document.get("paths") or {}).values():
            item = _follow(document, item)
            for method in METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                responses = {str(code): r for code, r in (operation.get("responses") or {}).items()}
                success = sorted(code for code in responses if code.startswith("2"))
                if success:
                    content = _follow(document, responses[success[0]]).get("content") or {}
                    formats[(api, operation["operationId"])] = tuple(content)
    return formats
