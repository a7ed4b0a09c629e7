"""What a user imports from `sandbox`, and that importing it stays cheap."""

import subprocess
import sys

import pytest

import sandbox


def test_the_public_names_are_the_real_objects():
    from sandbox.app import build_app
    from sandbox.contracts import CHECKS, verify
    from sandbox.settings import Settings
    from sandbox.testing import SandboxClient, running_sandbox

    assert sandbox.build_app is build_app and sandbox.Settings is Settings
    assert sandbox.SandboxClient is SandboxClient and sandbox.running_sandbox is running_sandbox
    assert sandbox.verify is verify and sandbox.CHECKS is CHECKS
    assert set(sandbox.__all__) <= set(dir(sandbox))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Sandbox'"):
        sandbox.Sandbox  # noqa: B018


def test_importing_sandbox_loads_neither_the_app_nor_its_libraries():
    probe = (
        "import sys, sandbox; "
        "heavy = ['starlette', 'jsonschema', 'yaml', 'httpx', 'sandbox.app', 'sandbox.contracts']; "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


def test_every_public_name_is_listed_once():
    assert sorted(sandbox.__all__) == sorted(sandbox._PUBLIC)
