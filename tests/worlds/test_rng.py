"""Seeded streams: the same names give the same draws in every process, other names other draws."""

import collections
import os
import random
import subprocess
import sys

from sandbox.worlds.rng import Weighted, derive_int, digest, rng_for
from tests.conftest import ROOT


def test_a_stream_is_named_by_its_parts_joined_with_colons():
    assert digest("seed", "tenant", 42) == digest("seed:tenant:42")
    assert rng_for("seed", "company", 1).random() == rng_for("seed:company:1").random()
    assert rng_for("seed", "company", 1).random() != rng_for("seed", "company", 2).random()


def test_derived_integers_take_the_leading_bytes_of_the_digest():
    assert derive_int("x", bits=64) == int.from_bytes(digest("x")[:8], "big")
    assert derive_int("x") == int.from_bytes(digest("x")[:16], "big")
    assert derive_int("x", bits=24) < 2**24


def test_draws_do_not_depend_on_the_process_hash_seed():
    code = "from sandbox.worlds.rng import rng_for; print(rng_for('seed', 'tenant', 'k').getrandbits(64))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {f"{rng_for('seed', 'tenant', 'k').getrandbits(64)}\n"}


def test_weighted_choice_follows_the_weights_with_one_draw_each():
    choice = Weighted([("rare", 1), ("common", 9)])
    rng = random.Random(5)
    counts = collections.Counter(choice.pick(rng) for _ in range(10_000))
    assert 850 <= counts["rare"] <= 1150 and counts["rare"] + counts["common"] == 10_000
    first, second = random.Random(7), random.Random(7)
    choice.pick(first)
    second.random()
    assert first.random() == second.random()
