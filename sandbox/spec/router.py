"""Match a request path and method to an operation of one API."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sandbox.spec.operations import Operation

_TEMPLATE_PART = re.compile(r"\{([^{}/]+)\}")


@dataclass
class Match:
    operation: Operation | None
    path_params: dict[str, str]
    allowed: list[str]  # methods the path supports; empty when the path is unknown


class Router:
    """Literal paths first, then templates with the most literal characters first (OpenAPI's rule).

    With `optional_trailing_slash`, a path that matches nothing is tried again with its trailing
    slash added or removed: some APIs answer both, and a redirect would lose a PUT's body in
    common HTTP libraries."""

    def __init__(self, operations: list[Operation], optional_trailing_slash: bool = False) -> None:
        self.optional_trailing_slash = optional_trailing_slash
        self._literal: dict[str, dict[str, Operation]] = {}
        templates: dict[str, dict[str, Operation]] = {}
        for op in operations:
            table = templates if "{" in op.path else self._literal
            table.setdefault(op.path, {})[op.method] = op
        ordered = sorted(templates.items(), key=lambda kv: -len(_TEMPLATE_PART.sub("", kv[0])))
        # each template's regex, its operations by method, and its parameters with their groups
        self._templates = [
            (self._compile(path), methods, [(name, _group(name)) for name in _TEMPLATE_PART.findall(path)])
            for path, methods in ordered
        ]

    @staticmethod
    def _compile(template: str) -> re.Pattern[str]:
        pattern, last = "", 0
        for found in _TEMPLATE_PART.finditer(template):
            pattern += re.escape(template[last : found.start()]) + f"(?P<{_group(found.group(1))}>[^/]+)"
            last = found.end()
        return re.compile(pattern + re.escape(template[last:]))

    def match(self, method: str, path: str) -> Match:
        found = self._match(method, path)
        if found.allowed or not self.optional_trailing_slash or path == "/":
            return found
        return self._match(method, path[:-1] if path.endswith("/") else path + "/")

    def _match(self, method: str, path: str) -> Match:
        methods = self._literal.get(path)
        params: dict[str, str] = {}
        if methods is None:
            for regex, candidate, names in self._templates:
                found = regex.fullmatch(path)
                if found:
                    methods = candidate
                    params = {name: found.group(group) for name, group in names}
                    break
        if methods is None:
            return Match(None, {}, [])
        return Match(methods.get(method), params, sorted(methods))


def _group(name: str) -> str:
    return "p_" + re.sub(r"\W", "_", name)


def _parameters(template: str, found: re.Match[str]) -> dict[str, str]:
    return {name: found.group(_group(name)) for name in _TEMPLATE_PART.findall(template)}


@functools.lru_cache(maxsize=1024)
def _template_regex(template: str) -> re.Pattern[str]:
    return Router._compile(template)


def template_parameters(template: str, path: str) -> dict[str, str] | None:
    """The path parameters of `path` under an operation's path template, or None when it does
    not match. `path` may carry the prefix the API is served under (a journal's paths do)."""
    regex = _template_regex(template)
    for start in (i for i, char in enumerate(path) if char == "/"):
        found = regex.fullmatch(path, start)
        if found:
            return _parameters(template, found)
    return None
