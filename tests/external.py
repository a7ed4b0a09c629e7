"""Programs from PyPI that tests run against the sandbox's output or the sandbox itself, each in a
virtualenv of its own (they may clash with each other or with the project: two CODA parsers both
install a module named `coda`, the NBB client pins its own urllib3).

Each virtualenv is made on first use under `.cache/external/` (ignored by git) with pip from PyPI
and kept for later runs; a test that needs one is skipped, saying why, when it cannot be made.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "external"


def pip_install(*args: str, python: Path | str = sys.executable) -> None:
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *args], check=True, capture_output=True, timeout=300
    )


@functools.cache
def venv_python(requirement: str) -> Path:
    """The Python of a virtualenv that holds `requirement` (e.g. `pycoda` or `pkg==2.2`) and
    nothing else of ours."""
    home = CACHE / re.sub(r"[^A-Za-z0-9_.-]+", "-", requirement)
    python = home / "bin" / "python"
    marker = home / ".installed"
    if not marker.exists():
        try:
            venv.create(home, with_pip=True, clear=True)
            pip_install(requirement, python=python)
        except (subprocess.SubprocessError, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            pytest.skip(
                f"could not install {requirement} from PyPI into {home}: {exc} {detail.decode()[-500:]}"
            )
        marker.touch()
    return python
