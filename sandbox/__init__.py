"""Emulated-API sandbox: Belgian and Dutch accounting APIs for testing unmodified clients.

The public surface; everything else may change between versions:

    from sandbox import build_app, Settings            # the ASGI app, and how to configure it
    from sandbox import running_sandbox, SandboxClient  # drive a sandbox from tests
    from sandbox import verify, CHECKS                  # the contract checks of a client's journal

Names are imported on first use, so `import sandbox` stays cheap (the CLI and the pytest plugin
start with it).
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing would double this module's cost
if TYPE_CHECKING:
    from typing import Any

    from sandbox.app import build_app
    from sandbox.contracts import CHECKS, Config, Report, verify
    from sandbox.settings import Settings
    from sandbox.testing import SandboxClient, SandboxError, SandboxTenant, running_sandbox

_PUBLIC = {
    "build_app": "sandbox.app",
    "Settings": "sandbox.settings",
    "SandboxClient": "sandbox.testing",
    "SandboxTenant": "sandbox.testing",
    "SandboxError": "sandbox.testing",
    "running_sandbox": "sandbox.testing",
    "verify": "sandbox.contracts",
    "CHECKS": "sandbox.contracts",
    "Config": "sandbox.contracts",
    "Report": "sandbox.contracts",
}

__all__ = [
    "CHECKS",
    "Config",
    "Report",
    "SandboxClient",
    "SandboxError",
    "SandboxTenant",
    "Settings",
    "build_app",
    "running_sandbox",
    "verify",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'sandbox' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})
