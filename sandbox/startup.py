"""The start of a server process, which builds the app once and then serves until it stops."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def server_start() -> Iterator[None]:
    """No garbage collection while the server starts: the imports and the app make some 100,000
    objects and free few, so the collections the allocations would trigger cost about 0.1 s and
    find next to nothing. What was made is then frozen (it lives as long as the process), so the
    collections that requests trigger do not walk it again and again."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
