"""One door in for bundles: a bundle changes only the units its key speaks for.

Commune A (Mường Phăng) and commune B (Thanh Nưa) send their bundles to the province.
A then takes B's bundle into its own database, moves B below itself, changes and deletes
B's records there and sends that up signed with A's own (registered) key. The province
refuses it by B's name and nothing changes there; B's next genuine bundle still applies.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from test_bundles import (
    _edit,
    _figures,
    _import,
    _make_commune,
    _make_province,
    _monthly_visits,
    _next_bundle,
    _report,
    _rows,
    two_communes_at_the_province,
)

from receptiondesk.exchange.bundle import BundleError, verify_bundle
from receptiondesk.exchange.bundle_export import export_bundle
from receptiondesk.exchange.bundle_merge import preview_import
from receptiondesk.model import Unit, Visit
from receptiondesk.services import reception, units
from receptiondesk.services.database import open_database


def _reports(db) -> dict[str, dict]:
    return {code: _report(db, code) for code in ("TU", "DU-MP", "DU-TN")}


def _records(db) -> dict[str, set]:
    """Every row of every record table and of the units, as written."""
    from receptiondesk.exchange.bundle_export import RECORD_TABLES

    with db.engine.connect() as conn:
        return {t.name: set(conn.execute(select(t)).all())
                for t in (Unit.__table__, *RECORD_TABLES)}


def _as_sub_unit(mp_path, tn_bundle, tmp_path):
    """A's database after taking in B's bundle and putting B below A: one of B's visits
    changed, another deleted; returns A's bundle of everything and the changed visit."""
    adb = open_database(mp_path)
    try:
        _import(adb, tn_bundle)
        with adb.session() as s:
            mp = s.scalar(select(Unit.id).where(Unit.code == "DU-MP"))
            s.execute(update(Unit).where(Unit.code == "DU-TN").values(parent_id=mp))
            tn = units.unit_by_code(s, "DU-TN")
            visits = list(s.scalars(select(Visit).where(Visit.unit_id == tn.id)
                                    .order_by(Visit.visit_date, Visit.id)))
            changed, gone = visits[0], visits[1]
            changed.content = "Ghi đè ở xã Mường Phăng"
            changed_id = changed.id
        with adb.session() as s:
            reception.delete_visit(s, gone.id)
        out = tmp_path / "mp-as-tn.bundle"
        with adb.session() as s:
            export_bundle(s, out, since=date(2000, 1, 1))
        return out, changed_id
    finally:
        adb.close()


def test_a_bundle_naming_another_communes_code_is_refused(db, tmp_path):
    mp, tn = two_communes_at_the_province(db, tmp_path)
    before_reports, before_rows, before_records = _reports(db), _rows(db), _records(db)
    forged, changed_id = _as_sub_unit(mp.path, tn.bundle, tmp_path)
    assert {r["code"] for r in verify_bundle(forged).records("units")} >= {"DU-MP", "DU-TN"}

    with db.session() as s, pytest.raises(BundleError, match="DU-TN") as refused:
        preview_import(s, verify_bundle(forged))
    assert "Thanh Nưa" in str(refused.value)
    with pytest.raises(BundleError, match="DU-TN"):
        _import(db, forged)
    assert _rows(db) == before_rows
    assert _records(db) == before_records
    after = _reports(db)
    for code in before_reports:
        assert _figures(after[code]) == _figures(before_reports[code]), code
        assert after[code]["by_unit"] == before_reports[code]["by_unit"], code
    with db.session() as s:
        assert s.get(Visit, changed_id).content != "Ghi đè ở xã Mường Phăng"

    # B's next genuine bundle applies, without a conflict.
    tdb = open_database(tn.path)
    try:
        _session, visit_ids = _monthly_visits(tdb, 1)
        _edit(tdb, Visit, visit_ids[0], content="Sửa ở xã Thanh Nưa")
        second = _next_bundle(tdb, tmp_path / "tn2.bundle")
    finally:
        tdb.close()
    result = _import(db, second)
    assert result.counts["visits"].updated == 1 and result.total.conflicts == 0
    with db.session() as s:
        assert s.get(Visit, visit_ids[0]).content == "Sửa ở xã Thanh Nưa"


def test_an_office_still_sends_the_units_below_it(db, tmp_path):
    """A unit new here that a bundle introduces below its sender is added, and the same
    unit in the sender's next bundle (now kept here below it) is accepted again."""
    mp = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, "TU")
    cdb = open_database(mp.path)
    try:
        with cdb.session() as s:
            units.create_unit(s, units.UnitInput(
                code="CB-NS", name="Chi bộ bản Na Sang", level="commune", kind="party",
                parent_code="DU-MP"))
        first = _next_bundle(cdb, tmp_path / "first.bundle")
        with cdb.session() as s:
            export_bundle(s, tmp_path / "again.bundle", since=date(2000, 1, 1))
    finally:
        cdb.close()
    with db.session() as s:
        _make_province(s)
    assert _import(db, first).counts["units"].new == 2
    again = _import(db, tmp_path / "again.bundle")
    assert again.counts["units"].unchanged == 2 and again.total.conflicts == 0


def _resigned(original, path, mp_db_path, extra: dict[str, list[dict]]):
    """A's bundle with ``extra`` records added to its parts, signed again with A's key
    (what A's office itself could make)."""
    from receptiondesk.exchange.bundle import BundleWriter
    from receptiondesk.services.office_keys import own_key, signer
    from receptiondesk.services.units import home_unit

    bundle = verify_bundle(original)
    writer = BundleWriter(path)
    for name, info in bundle.parts.items():
        rows = list(bundle.records(name)) + extra.get(name, [])
        columns = info.columns or (sorted(rows[0]) if rows else ["id"])
        part = writer.part(name, columns)
        for row in rows:
            part.write(row)
        writer.parts.append(part.close())
    adb = open_database(mp_db_path)
    try:
        with adb.session() as s:
            key = signer(own_key(s, home_unit(s)))
    finally:
        adb.close()
    writer.finish({**bundle.manifest, "parts": writer.parts}, key)
    return path


def test_a_record_that_names_another_communes_record_is_refused(db, tmp_path):
    """A petitioner sent by A's key for B's petition would change B's petition."""
    from receptiondesk.model import Petition, Petitioner

    mp, tn = two_communes_at_the_province(db, tmp_path)
    with db.session() as s:
        tn_id = s.scalar(select(Unit.id).where(Unit.code == "DU-TN"))
        target = s.scalar(select(Petition.id).where(Petition.unit_id == tn_id).limit(1))
        template = next(verify_bundle(mp.bundle).records("petitioners"))
    stray = {**template, "id": "e" * 32, "petition_id": target, "full_name": "Người lạ"}
    forged = _resigned(mp.bundle, tmp_path / "stray.bundle", mp.path,
                       {"petitioners": [stray]})
    before = _rows(db)
    with pytest.raises(BundleError, match="DU-TN"):
        _import(db, forged)
    assert _rows(db) == before
    with db.session() as s:
        assert s.get(Petitioner, "e" * 32) is None


# --- the "since the last bundle" mark -------------------------------------------------------


def test_only_a_real_send_moves_the_mark(tmp_path, capsys):
    """A clerk's and an inspector's export are copies: the office head's bundle after them
    still holds the change made since the last bundle sent; only then does the mark move."""
    from receptiondesk.services.accounts import CLERK, INSPECTOR, OFFICE_HEAD, Actor, acting_as
    from receptiondesk.services.office_keys import own_key
    from receptiondesk.services.units import home_unit

    mp = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, "TU")
    cdb = open_database(mp.path)

    def mark():
        with cdb.session() as s:
            return own_key(s, home_unit(s)).last_export_at

    def visits_in(path):
        return {r["id"] for r in verify_bundle(path).records("visits")}

    try:
        _session, (visit_id, *_rest) = _monthly_visits(cdb, 1)
        _edit(cdb, Visit, visit_id, content="Sửa sau gói trước")
        sent_at = mark()
        for n, role in enumerate((CLERK, INSPECTOR)):
            with acting_as(Actor(str(n) * 32, role, role, role)):
                copy = _next_bundle(cdb, tmp_path / f"copy-{role}.bundle")
            assert visit_id in visits_in(copy)
            assert mark() == sent_at, role
        with acting_as(Actor("9" * 32, "head", "Lường Thị Mai", OFFICE_HEAD)):
            real = _next_bundle(cdb, tmp_path / "real.bundle")
            assert visit_id in visits_in(real)
            assert mark() > sent_at
            after = _next_bundle(cdb, tmp_path / "after.bundle")
            assert visit_id not in visits_in(after)
    finally:
        cdb.close()
