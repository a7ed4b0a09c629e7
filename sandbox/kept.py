"""What is slow to make from a file that rarely changes (a parsed and checked spec, whether a spec
compiles, Faker's word lists), kept beside that file in `__pycache__` as Python keeps compiled
modules.

A kept value is found by a digest of the bytes it was made from and of the interpreter's
version, so a changed source is made anew; a value that also depends on code has the stamp of
that code's files among those bytes (`files_stamp`). A folder that cannot be written to only costs
the making. Values are plain data (marshal): no code runs when one is read back.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import importlib.util
import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def kept_beside(folder: Path, name: str, source: bytes, make: Callable[[], Any]) -> Any:
    """What `make()` gives, read from `folder/__pycache__` when it was kept for this `source`."""
    digest = hashlib.sha256(importlib.util.MAGIC_NUMBER + source).hexdigest()[:16]
    kept = folder / "__pycache__" / f"{name}.{digest}.marshal"
    try:
        return marshal.loads(kept.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = make()
    with contextlib.suppress(OSError, ValueError):
        kept.parent.mkdir(exist_ok=True)
        for stale in kept.parent.glob(f"{glob.escape(name)}.*.marshal"):
            stale.unlink(missing_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(value))
        partial.replace(kept)  # atomic: a process starting meanwhile reads all of it or none
    return value


def files_stamp(*files: str | Path) -> bytes:
    """The path, mtime and size of each file, as Python checks a compiled module against its
    source: a value made by the code in these files is kept with their stamp in its `source`, so
    that changed or reinstalled code makes it anew."""
    stamps = []
    for file in files:
        status = os.stat(file)
        stamps.append(f"{file}:{status.st_mtime_ns}:{status.st_size}")
    return "\n".join(stamps).encode()
