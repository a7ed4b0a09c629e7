"""Match the request to an operation of the chosen API: 404 for an unknown path, 405 with `Allow`
for a known path and another method, each in that API's own error shape."""

from __future__ import annotations

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.runtime.api import ApiRuntime
from sandbox.spec.router import Match


def operation(api: ApiRuntime, method: str, path: str) -> Match:
    match = api.router.match(method, path)
    if match.operation is None:
        if match.allowed:
            allowed = ", ".join(match.allowed)
            raise ApiError(
                405,
                errors.METHOD_NOT_ALLOWED,
                f"{method} is not allowed here; allowed: {allowed}",
                headers={"Allow": allowed},
            )
        raise ApiError(404, errors.UNKNOWN_PATH, f"No operation at {path}")
    return match
