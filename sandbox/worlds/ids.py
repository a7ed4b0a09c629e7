"""Stable identifiers: ids that any replica can turn back into the key they were made from, with
no table to look them up in.

- `Permutation`: a keyed bijection of `range(size)`. Numbering entities through it gives ids with
  no visible order (neighbouring keys land far apart) that still decode to their key.
- `stable_uuid`: a version-4 UUID named by its parts, the same in every process.
- `keyed_guid`: a GUID whose middle groups hold small integers (the key) and whose outer groups are
  a keyed hash of them, so a guessed or altered GUID is recognised as unknown.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass

from sandbox.worlds.rng import digest

_ROUNDS = 4
_ROUND_FACTOR = 0x9E3779B1  # the round function: (half ^ key) * this, folded to a half


@dataclass(frozen=True)
class Permutation:
    """A keyed permutation of `range(size)`: a 4-round Feistel network over the smallest even
    number of bits that holds `size`, with cycle walking to stay inside the range."""

    size: int
    keys: tuple[int, ...]
    half_bits: int

    @classmethod
    def keyed(cls, rng: random.Random, size: int) -> Permutation:
        """A permutation whose round keys are the next draws of `rng`."""
        half_bits = ((size - 1).bit_length() + 1) // 2
        return cls(size, tuple(rng.getrandbits(32) for _ in range(_ROUNDS)), half_bits)

    # Both directions read their fields into locals once: they run for every reference and feed day.
    def forward(self, value: int) -> int:
        bits, mask, size, keys = self.half_bits, (1 << self.half_bits) - 1, self.size, self.keys
        while True:  # encrypt until the value lands inside the range (cycle walking)
            left, right = value >> bits, value & mask
            for key in keys:  # the round function is inlined, as a call per round costs more
                mixed = ((right ^ key) * _ROUND_FACTOR) & 0xFFFFFFFF
                left, right = right, left ^ ((mixed ^ (mixed >> 15)) & mask)
            value = (left << bits) | right
            if value < size:
                return value

    def inverse(self, value: int) -> int:
        bits, mask, size, keys = self.half_bits, (1 << self.half_bits) - 1, self.size, self.keys[::-1]
        while True:  # decrypt, walking the cycle back the same way
            left, right = value >> bits, value & mask
            for key in keys:
                mixed = ((left ^ key) * _ROUND_FACTOR) & 0xFFFFFFFF
                left, right = right ^ ((mixed ^ (mixed >> 15)) & mask), left
            value = (left << bits) | right
            if value < size:
                return value


def keyed_guid(secret: str, kind: str, *parts: int) -> str:
    """A GUID whose middle groups hold `parts` (each below 65536) and whose outer groups are a hash
    keyed by `secret` and `kind`; three parts make the usual 8-4-4-4-12 form."""
    middle = "-".join(f"{part:04x}" for part in parts)
    hashed = digest(secret, kind, middle).hex()
    return f"{hashed[:8]}-{middle}-{hashed[8:20]}"


def parse_keyed_guid(secret: str, kind: str, guid: str, count: int = 3) -> tuple[int, ...] | None:
    """The `count` parts of a GUID made by `keyed_guid` with the same secret and kind, else None."""
    groups = guid.lower().split("-")
    if len(groups) != 2 + count:
        return None
    try:
        parts = tuple(int(group, 16) for group in groups[1:-1])
    except ValueError:
        return None
    return parts if keyed_guid(secret, kind, *parts) == guid.lower() else None


def stable_uuid(*parts: object) -> str:
    return str(uuid.UUID(bytes=digest(*parts)[:16], version=4))
