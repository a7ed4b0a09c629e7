"""Stable ids: a keyed permutation that decodes, and GUIDs that carry and protect their key."""

import itertools
import random

import pytest

from sandbox.worlds.ids import Permutation, keyed_guid, parse_keyed_guid


@pytest.mark.parametrize("size", [1, 2, 97, 1000, 4097])
def test_a_permutation_is_a_bijection_of_its_range(size):
    permutation = Permutation.keyed(random.Random(size), size)
    images = [permutation.forward(value) for value in range(size)]
    assert sorted(images) == list(range(size))
    assert [permutation.inverse(image) for image in images] == list(range(size))


def test_a_large_permutation_decodes_and_scatters_neighbours():
    size = 20_000_000
    permutation = Permutation.keyed(random.Random(1), size)
    assert permutation.half_bits == 13
    images = [permutation.forward(value) for value in range(1000, 1100)]
    assert all(0 <= image < size for image in images)
    assert [permutation.inverse(image) for image in images] == list(range(1000, 1100))
    gaps = [abs(a - b) for a, b in itertools.pairwise(images)]
    assert sorted(gaps)[len(gaps) // 2] > size // 100  # neighbours land far apart


def test_other_keys_give_another_order():
    first = Permutation.keyed(random.Random(1), 10_000)
    second = Permutation.keyed(random.Random(2), 10_000)
    assert [first.forward(v) for v in range(20)] != [second.forward(v) for v in range(20)]


def test_a_keyed_guid_carries_its_parts_and_is_checked_on_the_way_back():
    guid = keyed_guid("secret", "student", 2, 2025, 17)
    assert guid.split("-")[1:4] == ["0002", "07e9", "0011"]
    assert [len(group) for group in guid.split("-")] == [8, 4, 4, 4, 12]
    assert parse_keyed_guid("secret", "student", guid) == (2, 2025, 17)
    assert parse_keyed_guid("secret", "student", guid.upper()) == (2, 2025, 17)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda g: g.replace("-0011-", "-0012-"),  # another key, the old hash
        lambda g: ("0" if g[0] != "0" else "1") + g[1:],  # a hash digit changed
        lambda g: g + "-0000",  # a group too many
        lambda g: g.replace("0002", "zzzz"),  # not hexadecimal
    ],
)
def test_a_guid_that_was_not_made_with_the_secret_and_kind_is_unknown(mangle):
    guid = keyed_guid("secret", "student", 2, 2025, 17)
    assert parse_keyed_guid("secret", "student", mangle(guid)) is None
    assert parse_keyed_guid("secret", "bill", guid) is None
    assert parse_keyed_guid("other", "student", guid) is None
