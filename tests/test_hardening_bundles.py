"""Bundles against crafted input (issue 16, items 3 and 7): parts are streamed with bounds
on a record's line and a part's unpacked size, out-of-range integers and unknown codes
are refused naming the column, date-times with a zone are converted to UTC, and a bundle
from a key not registered yet is previewed from its manifest alone."""

from __future__ import annotations

import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from receptiondesk.exchange import bundle as bundle_format
from receptiondesk.exchange.bundle import BundleError, BundleWriter, verify_bundle
from receptiondesk.exchange.bundle_merge import apply_import, preview_import
from receptiondesk.model import Petition, Unit
from receptiondesk.services import units
from receptiondesk.services.database import open_database
from receptiondesk.services.office_keys import _raw_public

UNIT_ID, PETITION_ID = "b" * 32, "c" * 32
STAMP = {"created_at": "2025-05-01T08:00:00", "updated_at": "2025-05-01T08:00:00",
         "version": 1}


def _petition(**changes) -> dict:
    return {"id": PETITION_ID, "unit_id": UNIT_ID, "received_date": "2025-05-01",
            "petition_type": "complaint", "source_code": "reception", "status": "received",
            "content": "Khiếu nại", "signers": 1, **STAMP} | changes


def _signed(path: Path, petitions: list[dict] | None = None, raw_line: bytes | None = None
            ) -> Path:
    """A bundle of commune DU-X with the given petitions (or one raw line as its petitions
    part), signed by a fresh key."""
    key = Ed25519PrivateKey.generate()
    writer = BundleWriter(path)
    unit = {"id": UNIT_ID, "code": "DU-X", "name": "Đảng ủy xã X", "level": "commune",
            "kind": "party", "parent_id": None, **STAMP}
    part = writer.part("units", list(unit))
    part.write(unit)
    writer.parts.append(part.close())
    part = writer.part("petitions", list(_petition()))
    for row in petitions or []:
        part.write(row)
    if raw_line is not None:
        part._gz.write(raw_line)
        part.records += 1
    writer.parts.append(part.close())
    writer.finish({"format": "receptiondesk-bundle", "format_version": 1,
                   "sender": {"id": UNIT_ID, "code": "DU-X", "name": "Đảng ủy xã X"},
                   "public_key": _raw_public(key.public_key()), "parts": writer.parts}, key)
    return path


@pytest.fixture
def province(tmp_path):
    db = open_database(tmp_path / "province.db")
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy Điện Biên",
                                             level="province", kind="party"), home=True)
    yield db
    db.close()


def _apply(db, path: Path):
    bundle = verify_bundle(path)
    with db.session() as s:
        return apply_import(s, bundle, trust_new_key=True)


def _nothing_imported(db) -> None:
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Petition)) == 0
        assert s.scalar(select(Unit.id).where(Unit.code == "DU-X")) is None


@pytest.mark.parametrize("value", [2**63, 2**70, -(2**63) - 1])
def test_integers_out_of_range_are_refused_by_column(province, tmp_path, value):
    path = _signed(tmp_path / "big.bundle", [_petition(signers=value)])
    with pytest.raises(BundleError, match="wrong value in signers"):
        _apply(province, path)
    _nothing_imported(province)


def test_an_unknown_status_is_refused_by_column(province, tmp_path):
    path = _signed(tmp_path / "status.bundle", [_petition(status="approved_by_bribe")])
    with pytest.raises(BundleError, match="wrong value in status"):
        _apply(province, path)
    _nothing_imported(province)


def test_a_text_longer_than_its_column_is_refused(province, tmp_path):
    path = _signed(tmp_path / "ref.bundle", [_petition(ref="R" * 4001)])
    with pytest.raises(BundleError, match="wrong value in ref"):
        _apply(province, path)
    _nothing_imported(province)


def test_a_date_time_with_a_zone_is_stored_in_utc(province, tmp_path):
    path = _signed(tmp_path / "zone.bundle",
                   [_petition(updated_at="2025-05-01T08:00:00+07:00")])
    _apply(province, path)
    with province.session() as s:
        stored = s.get(Petition, PETITION_ID).updated_at
    assert stored == datetime(2025, 5, 1, 1, 0) and stored.tzinfo is None


def test_a_400_mb_line_is_refused_after_reading_at_most_a_megabyte(province, tmp_path):
    """The line is 400 MB unpacked and a few hundred kilobytes in the file."""
    line = b'{"id":"' + b"x" * (400 * 2**20) + b'"}\n'
    path = _signed(tmp_path / "long.bundle", raw_line=line)
    del line
    assert path.stat().st_size < 2 * 2**20
    bundle = verify_bundle(path)
    tracemalloc.start()
    try:
        with pytest.raises(BundleError, match="longer than 1 MB"), province.session() as s:
            apply_import(s, bundle, trust_new_key=True)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20
    _nothing_imported(province)


def test_a_part_that_unpacks_beyond_its_limit_is_refused(province, tmp_path, monkeypatch):
    monkeypatch.setattr(bundle_format, "MAX_PART_BYTES", 4096)
    rows = [_petition(id=f"{i:032x}", content="x" * 500) for i in range(20)]
    path = _signed(tmp_path / "wide.bundle", rows)
    with pytest.raises(BundleError, match="unpacks to more than"):
        _apply(province, path)
    _nothing_imported(province)


def test_an_untrusted_key_is_previewed_from_the_manifest_only(province, tmp_path,
                                                              monkeypatch):
    path = _signed(tmp_path / "new.bundle", [_petition()])
    bundle = verify_bundle(path)

    def unpacked(*_args, **_kw):
        raise AssertionError("a part was unpacked before the key was confirmed")

    monkeypatch.setattr(bundle_format.VerifiedBundle, "sized_records", unpacked)
    with province.session() as s:
        preview = preview_import(s, bundle)
    assert preview.manifest_only and preview.listed == {"units": 1, "petitions": 1}
    assert not preview.counts
    monkeypatch.undo()
    with province.session() as s:
        confirmed = preview_import(s, bundle, key_confirmed=True)
    assert not confirmed.manifest_only and confirmed.counts["petitions"].new == 1
    _nothing_imported(province)


def test_a_date_time_with_a_zone_given_to_a_record_is_stored_in_utc(session, unit):
    from datetime import timedelta, timezone

    unit.created_at = datetime(2026, 1, 5, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    session.flush()
    session.expire(unit)
    assert session.get(Unit, unit.id).created_at == datetime(2026, 1, 5, 1, 30)
