"""Seeded randomness: a world draws every value from a `random.Random` seeded by hashing the names
of what it draws (seed, tenant, API, entity key), never from a shared stream.

sha256, not `hash()`: a str's `hash()` changes with every process, and a world must be the same in
every process on every machine. An entity drawn from its own stream stays the same whatever else
was drawn before it, so entities can be generated lazily and in any order.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterable
from typing import Any


def digest(*parts: object) -> bytes:
    """The sha256 of the parts joined by `:`."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).digest()


def derive_int(*parts: object, bits: int = 128) -> int:
    """A non-negative integer of `bits` bits (a multiple of 8) taken from the parts' digest."""
    return int.from_bytes(digest(*parts)[: bits // 8], "big")


def rng_for(*parts: object) -> random.Random:
    """The random stream named by the parts, e.g. `rng_for(seed, tenant, "company", 42)`: seeded
    with the first 128 bits of their digest."""
    return random.Random(int.from_bytes(digest(*parts)[:16], "big"))  # a world makes one per entity


class Weighted:
    """A weighted choice among values, drawn with a single `rng.random()`."""

    def __init__(self, pairs: Iterable[tuple[Any, float]]):
        values, weights = zip(*pairs, strict=True)
        self.values = values
        self._cumulative = tuple(itertools.accumulate(float(weight) for weight in weights))

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self._cumulative, rng.random() * self._cumulative[-1])]
