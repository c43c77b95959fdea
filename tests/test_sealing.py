"""Sealed values: anyone holding the office's public key seals, only the private key opens,
and a value moved to another column or changed does not open."""

import pytest

from receptiondesk.services import sealing
from receptiondesk.services.sealing import (
    DamagedSealedValue,
    Keyring,
    NotCleared,
    keyed_hash,
    open_sealed,
    seal,
)


@pytest.fixture
def keys():
    private, public = sealing.new_key_pair()
    return private, public


def test_a_clerk_seals_and_only_the_cleared_open(keys):
    private, public = keys
    clerk = Keyring(public_key=public)
    head = Keyring(public_key=public, private_key=private)
    value = seal("Nguyễn Thị Hoa", context="petitioners.full_name", keyring=clerk)
    assert value.startswith("rds1.") and "Hoa" not in value
    assert open_sealed(value, context="petitioners.full_name", keyring=head) == "Nguyễn Thị Hoa"
    with pytest.raises(NotCleared):
        open_sealed(value, context="petitioners.full_name", keyring=clerk)


def test_a_value_moved_or_changed_does_not_open(keys):
    private, public = keys
    ring = Keyring(public_key=public, private_key=private)
    value = seal("0123", context="petitioners.id_number", keyring=ring)
    with pytest.raises(DamagedSealedValue):
        open_sealed(value, context="petitioners.phone", keyring=ring)
    changed = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    with pytest.raises(DamagedSealedValue):
        open_sealed(changed, context="petitioners.id_number", keyring=ring)


def test_two_seals_of_one_text_differ_and_plain_text_passes_through(keys):
    private, public = keys
    ring = Keyring(public_key=public, private_key=private)
    assert seal("a", context="c", keyring=ring) != seal("a", context="c", keyring=ring)
    assert open_sealed("plain", context="c", keyring=ring) == "plain"


def test_keyed_hash_needs_the_index_key_and_is_stable(keys):
    _, public = keys
    with pytest.raises(NotCleared):
        keyed_hash("001", keyring=Keyring(public_key=public))
    ring = Keyring(public_key=public, index_key=sealing.new_index_key())
    assert keyed_hash("001", keyring=ring) == keyed_hash("001", keyring=ring)
    assert keyed_hash("001", keyring=ring) != keyed_hash("002", keyring=ring)
    other = Keyring(public_key=public, index_key=sealing.new_index_key())
    assert keyed_hash("001", keyring=ring) != keyed_hash("001", keyring=other)
