"""Signed offline bundles from communes to the province (issue 7).

Three communes keep their own SQLite files; each exports a bundle; the province imports
them (twice, in different orders) and its periodic report equals the sum of the
communes' own reports. Conflicts, tampering, foreign files, a second key and the
denouncers' identities are checked on the same bundles.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from receptiondesk.cli import main
from receptiondesk.exchange.bundle import BundleError, BundleWriter, verify_bundle
from receptiondesk.exchange.bundle_export import export_bundle
from receptiondesk.exchange.bundle_merge import (
    KEEP_MINE,
    TAKE_THEIRS,
    apply_import,
    list_conflicts,
    preview_import,
    resolve_conflict,
)
from receptiondesk.model import (
    AuditEntry,
    BundleConflict,
    Citizen,
    Inspection,
    Petition,
    Petitioner,
    RegisteredOfficeKey,
    Unit,
    Visit,
    VisitAttendee,
)
from receptiondesk.reports import periods
from receptiondesk.reports.outputs import write_json
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.services import inspections, meetings, minutes, reception, units
from receptiondesk.services import petitions as ps
from receptiondesk.services.accounts import CLERK, OFFICE_HEAD, Actor, acting_as
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.database import open_database
from receptiondesk.services.errors import PermissionDenied
from receptiondesk.services.office_keys import KeyMismatch, own_key
from receptiondesk.services.units import home_unit

TODAY = date(2025, 12, 20)
PERIOD = periods.year_period(2025)
PLANTED_NAME = "Vương Thị Bímật"
PLANTED_ID = "079123456789"
PLANTED_PHONE = "0912345678"
PLANTED_ADDRESS = "Số 7 ngõ Kín"


# --- three communes -------------------------------------------------------------------


@dataclass
class Commune:
    code: str
    path: Path
    bundle: Path


def _fill_commune(s, code: str, name: str, n: int, parent_code: str | None) -> None:
    """A commune office: its unit, a secretary, sessions and visits, petitions in several
    states (one a denunciation whose petitioner is planted), a meeting, an inspection."""
    if parent_code:
        units.create_unit(s, units.UnitInput(code=parent_code, name="Tỉnh ủy Điện Biên",
                                             level="province", kind="party"))
    x = units.create_unit(s, units.UnitInput(code=code, name=name, level="commune",
                                             kind="party", parent_code=parent_code,
                                             parent_body_name="Đảng bộ tỉnh Điện Biên"),
                          home=True)
    head = units.create_official(s, x.id, units.OfficialInput(
        full_name=f"Lò Văn Khoa {n}", position="Bí thư Đảng ủy", duty_role="party_secretary"))
    for month in range(1, 2 + n):
        rs = reception.create_session(s, x.id, reception.SessionInput(
            session_date=date(2025, month, 10), kind="regular",
            presiding_official_id=head.id), today=TODAY)
        for i in range(n):
            reception.add_visit(s, rs.id, reception.VisitInput(
                content="Hỏi về đất đai", head_count=1,
                new_citizen=CitizenInput(full_name=f"Công dân {code} {month} {i}")),
                today=TODAY)
    rs = reception.create_session(s, x.id, reception.SessionInput(
        session_date=date(2025, 6, 3), kind="unscheduled", presiding_official_id=head.id),
        today=TODAY)
    reception.add_visit(s, rs.id, reception.VisitInput(
        content="Đoàn đông người về bồi thường", head_count=5 + n,
        representatives="Lò Văn A; Lò Văn B"), today=TODAY)
    # Minutes travel as metadata: their text (which names everyone present) stays home.
    record = minutes.minutes_for(s, "session", rs.id)
    minutes.update_minutes(s, record.id, text=f"Bà {PLANTED_NAME}, CCCD {PLANTED_ID}, trình bày")

    def petition(received, ptype, field, who="Hoàng Thị Đào", **extra):
        return ps.register_petition(s, x.id, ps.PetitionInput(
            received_date=received, petition_type=ptype, content="Nội dung đơn",
            field_code=field, petitioners=[ps.PetitionerInput(full_name=who, **extra)]),
            today=TODAY)

    def classify(p, on):
        # a Party committee accepts only complaints about Party discipline (competence)
        ps.classify(s, p.id, ps.Classification(eligible=True, within_competence=True,
                                               party_matter=p.petition_type == "complaint"),
                    on=on, today=TODAY)

    resolved = petition(date(2025, 2, 3), "complaint", "land")
    classify(resolved, date(2025, 2, 4))
    ps.decide_handling(s, resolved.id, "accept", on=date(2025, 2, 6),
                       official_id=units.create_official(
                           s, x.id, units.OfficialInput("Lò Văn Thụ")).id, today=TODAY)
    ps.start_resolution(s, resolved.id, on=date(2025, 2, 7), today=TODAY)
    ps.record_result(s, resolved.id, "correct", date(2025, 3, 1), today=TODAY)
    guided = petition(date(2025, 4, 1), "recommendation", "social_policy")
    classify(guided, date(2025, 4, 2))
    ps.decide_handling(s, guided.id, "guide", on=date(2025, 4, 3), handled_to="UBND huyện",
                       today=TODAY)
    for k in range(n):
        petition(date(2025, 5, 5 + k), "reflection", "environment")
    secret = petition(date(2025, 7, 1), "denunciation", "corruption", who=PLANTED_NAME,
                      id_number=PLANTED_ID, address=PLANTED_ADDRESS, phone=PLANTED_PHONE)
    classify(secret, date(2025, 7, 2))
    # A denouncer who came in person (protected from then on) and came again about
    # something else: neither visit may carry the name.
    rs2 = reception.create_session(s, x.id, reception.SessionInput(
        session_date=date(2025, 7, 8), kind="regular", presiding_official_id=head.id),
        today=TODAY)
    came = reception.add_visit(s, rs2.id, reception.VisitInput(
        content="Tố cáo cán bộ", petition_type="denunciation", new_citizen=CitizenInput(
            full_name=f"{PLANTED_NAME} Hai", id_number="079987654321")), today=TODAY)
    reception.add_visit(s, rs2.id, reception.VisitInput(
        content="Hỏi về trợ cấp", citizen_id=came.citizen_id), today=TODAY)
    m = meetings.create_meeting(s, x.id, meetings.MeetingInput(
        meeting_date=date(2025, 8, 5), chaired_by_id=head.id, content="Làm việc"), today=TODAY)
    meetings.issue_notice(s, meetings.NoticeInput(f"{n}-TB/ĐU", date(2025, 8, 6), "Kết luận"),
                          meeting_id=m.id, today=TODAY)
    inspections.create_inspection(s, x.id, inspections.InspectionInput(
        inspection_date=date(2025, 9, 1), organisations="Chi bộ bản A; Chi bộ bản B",
        content="Kiểm tra", violations_found=n == 2), today=TODAY)


def _make_commune(folder: Path, code: str, name: str, n: int, parent: str | None) -> Commune:
    path = folder / f"{code}.db"
    db = open_database(path)
    try:
        with db.session() as s:
            _fill_commune(s, code, name, n, parent)
        bundle = folder / f"{code}.bundle"
        with db.session() as s:
            export_bundle(s, bundle)
    finally:
        db.close()
    return Commune(code, path, bundle)


@pytest.fixture(scope="module")
def communes(tmp_path_factory) -> list[Commune]:
    folder = tmp_path_factory.mktemp("communes")
    # A and B know their province (same code as the province's); C names none.
    return [_make_commune(folder, "DU-MP", "Đảng ủy xã Mường Phăng", 1, "TU"),
            _make_commune(folder, "DU-TN", "Đảng ủy xã Thanh Nưa", 2, "TU"),
            _make_commune(folder, "DU-NN", "Đảng ủy xã Nà Nhạn", 3, None)]


def _make_province(s) -> Unit:
    tu = units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy Điện Biên",
                                              level="province", kind="party"), home=True)
    # The province already keeps a row for Nà Nhạn, made here with its own id.
    units.create_unit(s, units.UnitInput(code="DU-NN", name="Đảng ủy xã Nà Nhạn",
                                         level="commune", kind="party", parent_code="TU"))
    return tu


def _import(db, path: Path, *, trust: bool = True):
    bundle = verify_bundle(path)
    with db.session() as s:
        return apply_import(s, bundle, trust_new_key=trust)


def _report(db, code: str) -> dict:
    with db.session() as s:
        unit_id = s.scalar(select(Unit.id).where(Unit.code == code))
        report = periodic_report(s, unit_id, PERIOD, today=TODAY)
    out = Path(str(db.path or "pg") + f".{code}.json") if db.path else None
    if out is not None:
        return json.loads(write_json(report, out).read_text(encoding="utf-8"))
    return report.as_dict()


FIGURES = ("reception", "meetings", "inspections")
PETITION_COUNTS = ("received", "carried_over", "processed", "accepted", "resolved",
                   "open_at_end", "overdue_at_end")


def _summed(reports: list[dict]) -> dict:
    total: dict = {}
    for r in reports:
        t = r["total"]
        for part in FIGURES:
            for key, value in t[part].items():
                if isinstance(value, dict):
                    for k, v in value.items():
                        total.setdefault(part, {}).setdefault(key, {}).setdefault(k, 0)
                        total[part][key][k] += v
                else:
                    total.setdefault(part, {}).setdefault(key, 0)
                    total[part][key] += value
        for key in PETITION_COUNTS:
            total.setdefault("petitions", {}).setdefault(key, 0)
            total["petitions"][key] += t["petitions"][key]
    return total


def _figures(report: dict) -> dict:
    t = report["total"]
    out = {part: t[part] for part in FIGURES}
    out["petitions"] = {k: t["petitions"][k] for k in PETITION_COUNTS}
    return out


def _own_reports(communes: list[Commune]) -> list[dict]:
    reports = []
    for c in communes:
        db = open_database(c.path)
        try:
            reports.append(_report(db, c.code))
        finally:
            db.close()
    return reports


def _counts(db) -> dict[str, int]:
    """Rows per table (what "changes nothing" is checked against)."""
    from receptiondesk.model import Base

    with db.engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in Base.metadata.sorted_tables}


# --- the acceptance test ------------------------------------------------------------------


def test_the_province_report_equals_the_sum_of_the_communes(db, communes, tmp_path):
    expected = _summed(_own_reports(communes))
    assert expected["petitions"]["received"] == 3 * 3 + 1 + 2 + 3  # sanity: records exist
    with db.session() as s:
        _make_province(s)
    for c in communes:
        result = _import(db, c.bundle)
        assert result.total.new > 0 and result.total.conflicts == 0
    report = _report(db, "TU")
    assert _figures(report) == expected
    assert {u["code"] for u in report["by_unit"]} >= {"DU-MP", "DU-TN", "DU-NN"}
    assert [lvl["code"] for lvl in report["by_level"]] == ["province", "commune"]

    # Imported again: nothing changes.
    before = _counts(db)
    for c in communes:
        again = _import(db, c.bundle)
        assert again.total.new == again.total.updated == again.total.conflicts == 0
    after = _counts(db)
    assert {k: v for k, v in after.items() if k != "audit_entries"} == \
        {k: v for k, v in before.items() if k != "audit_entries"}
    assert _figures(_report(db, "TU")) == expected

    # The commune kept locally under another id is the same unit, not a second one.
    with db.session() as s:
        assert s.scalar(select(func.count(Unit.id)).where(Unit.code == "DU-NN")) == 1
        nn = s.scalar(select(Unit).where(Unit.code == "DU-NN"))
        assert s.scalar(select(func.count(Inspection.id)).where(
            Inspection.unit_id == nn.id)) == 1
        assert {k.unit_code for k in s.scalars(select(RegisteredOfficeKey))} == \
            {"DU-MP", "DU-TN", "DU-NN"}

    # Another order, into another province database: the same figures.
    other = open_database(tmp_path / "province2.db")
    try:
        with other.session() as s:
            _make_province(s)
        for c in reversed(communes):
            _import(other, c.bundle)
        _import(other, communes[1].bundle)
        assert _figures(_report(other, "TU")) == expected
    finally:
        other.close()


def test_a_commune_without_its_parent_here_sits_under_the_province(communes, tmp_path):
    db = open_database(tmp_path / "p.db")
    try:
        with db.session() as s:
            tu = units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy",
                                                      level="province", kind="party"),
                                   home=True)
        _import(db, communes[2].bundle)  # names no parent
        _import(db, communes[0].bundle)  # names "TU"
        with db.session() as s:
            for code in ("DU-NN", "DU-MP"):
                assert s.scalar(select(Unit.parent_id).where(Unit.code == code)) == tu.id
            assert not s.scalar(select(Unit.is_home).where(Unit.code == "DU-MP"))
    finally:
        db.close()


# --- changes and conflicts ----------------------------------------------------------------


def _edit(db, model, record_id: str, **values) -> None:
    with db.session() as s:
        row = s.get(model, record_id)
        for key, value in values.items():
            setattr(row, key, value)


def test_changes_flow_up_and_edits_at_both_ends_are_conflicts(tmp_path):
    commune = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, None)
    cdb = open_database(commune.path)
    pdb = open_database(tmp_path / "province.db")
    try:
        with pdb.session() as s:
            _make_province(s)
        _import(pdb, commune.bundle)
        with cdb.session() as s:
            both, only_there = [p.id for p in s.scalars(
                select(Petition).where(Petition.petition_type == "reflection"))][:1] + \
                [s.scalar(select(Inspection.id))]
        _edit(cdb, Petition, both, content="Sửa ở xã")
        _edit(pdb, Petition, both, content="Sửa ở tỉnh")
        _edit(cdb, Inspection, only_there, findings="Phát hiện mới ở xã")

        second = tmp_path / "second.bundle"
        with cdb.session() as s:
            made = export_bundle(s, second)  # since the last bundle
        assert made.since is not None and made.counts["petitions"] == 1
        with pdb.session() as s:
            preview = preview_import(s, verify_bundle(second))
        assert preview.counts["petitions"].conflicts == 1
        assert preview.counts["inspections"].updated == 1
        result = _import(pdb, second)
        assert result.total.conflicts == 1
        with pdb.session() as s:
            assert s.get(Petition, both).content == "Sửa ở tỉnh"  # never silently overwritten
            assert s.get(Inspection, only_there).findings == "Phát hiện mới ở xã"
            [conflict] = list_conflicts(s)
            assert json.loads(conflict.mine)["content"] == "Sửa ở tỉnh"
            assert json.loads(conflict.theirs)["content"] == "Sửa ở xã"

        # The same bundle again: the same conflict, not a second one.
        assert _import(pdb, second).total.conflicts == 1
        with pdb.session() as s:
            assert s.scalar(select(func.count(BundleConflict.id))) == 1
            resolve_conflict(s, conflict.id, TAKE_THEIRS)
        with pdb.session() as s:
            assert s.get(Petition, both).content == "Sửa ở xã"
            done = s.get(BundleConflict, conflict.id)
            assert done.resolution == TAKE_THEIRS and done.resolved_at is not None
            assert json.loads(done.mine)["content"] == "Sửa ở tỉnh"  # still on record
            assert list_conflicts(s) == []
        assert _import(pdb, second).total.conflicts == 0

        # Keep mine: the province's edit stays and the same bundle no longer conflicts.
        _edit(cdb, Petition, both, content="Xã sửa lần hai")
        _edit(pdb, Petition, both, content="Tỉnh sửa lần hai")
        third = tmp_path / "third.bundle"
        with cdb.session() as s:
            export_bundle(s, third)
        assert _import(pdb, third).total.conflicts == 1
        with pdb.session() as s:
            [conflict] = list_conflicts(s)
            resolve_conflict(s, conflict.id, KEEP_MINE)
        assert _import(pdb, third).total.conflicts == 0
        with pdb.session() as s:
            assert s.get(Petition, both).content == "Tỉnh sửa lần hai"
            actions = set(s.scalars(select(AuditEntry.action)))
        assert {"import", "merge"} <= actions
    finally:
        cdb.close()
        pdb.close()


def test_an_older_bundle_imported_late_does_not_undo_a_newer_one(tmp_path):
    commune = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, None)
    cdb = open_database(commune.path)
    pdb = open_database(tmp_path / "province.db")
    try:
        with cdb.session() as s:
            insp = s.scalar(select(Inspection.id))
        _edit(cdb, Inspection, insp, findings="Mới hơn")
        newer = tmp_path / "newer.bundle"
        with cdb.session() as s:
            export_bundle(s, newer, date(2000, 1, 1))
        _import(pdb, newer)
        result = _import(pdb, commune.bundle)  # the first bundle, older
        assert result.total.updated == 0 and result.total.conflicts == 0
        with pdb.session() as s:
            assert s.get(Inspection, insp).findings == "Mới hơn"
    finally:
        cdb.close()
        pdb.close()


# --- refused bundles change nothing -----------------------------------------------------


def _flip(data: bytes, pos: int) -> bytes:
    return data[:pos] + bytes([data[pos] ^ 0xFF]) + data[pos + 1:]


def _member_offset(path: Path, name: str) -> tuple[int, int]:
    """(first byte, size) of a member's stored data in the zip."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = path.read_bytes()
    start = info.header_offset + 30 + len(info.filename.encode())
    assert raw[info.header_offset:info.header_offset + 4] == b"PK\x03\x04"
    return start, info.compress_size


def _cli_import(province: Path, bundle: Path, *extra: str) -> int:
    return main(["--lang", "en", "--db", str(province), "import", "bundle", str(bundle),
                 "--yes", *extra])


def test_tampered_truncated_and_foreign_bundles_are_refused(communes, tmp_path, capsys):
    province = tmp_path / "province.db"
    pdb = open_database(province)
    with pdb.session() as s:
        _make_province(s)
    before = _counts(pdb)
    source = communes[0].bundle
    raw = source.read_bytes()
    part_start, part_size = _member_offset(source, "parts/petitions.jsonl.gz")
    man_start, man_size = _member_offset(source, "manifest.json")
    sig_start, sig_size = _member_offset(source, "manifest.sig")
    positions = {
        "in a part": [part_start, part_start + part_size // 2, part_start + part_size - 1],
        "in the manifest": [man_start, man_start + man_size // 3, man_start + man_size - 2],
        "in the signature": [sig_start, sig_start + 31, sig_start + sig_size - 1],
        "in the zip headers": [0, 8, 14, 20, part_start - 5, len(raw) - 30, len(raw) - 10,
                               len(raw) - 1],
    }
    bad = tmp_path / "bad.bundle"
    for where, places in positions.items():
        for pos in places:
            bad.write_bytes(_flip(raw, pos))
            with pytest.raises(BundleError):
                verify_bundle(bad)
            assert _cli_import(province, bad, "--trust-new-key") == 1, (where, pos)
            err = capsys.readouterr().err
            assert err.startswith("Error: ") and "Traceback" not in err
    bad.write_bytes(_flip(raw, part_start + 3))
    with pytest.raises(BundleError, match="petitions.jsonl.gz"):
        verify_bundle(bad)
    bad.write_bytes(_flip(raw, sig_start + 5))
    with pytest.raises(BundleError, match="signature"):
        verify_bundle(bad)

    for cut in (len(raw) - 1, len(raw) // 2, 100, 10):
        bad.write_bytes(raw[:cut])
        with pytest.raises(BundleError, match="truncated|damaged|not a zip"):
            verify_bundle(bad)
    bad.write_bytes(b"code,name,level\nTU,Tinh uy,province\n")
    with pytest.raises(BundleError, match="not a zip file"):
        verify_bundle(bad)
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("units.csv", "code,name\n")
    with pytest.raises(BundleError, match="no manifest.json"):
        verify_bundle(bad)
    assert _cli_import(province, bad) == 1
    assert "no manifest.json" in capsys.readouterr().err
    assert _counts(pdb) == before
    pdb.close()


def _rewritten_manifest(tmp_path: Path, **changes) -> Path:
    """A bundle whose manifest is changed and signed again by a new key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    from receptiondesk.services.office_keys import _raw_public

    writer = BundleWriter(tmp_path / "other.bundle")
    part = writer.part("units", ["id"])
    writer.parts.append(part.close())
    manifest = {"format": "receptiondesk-bundle", "format_version": 1,
                "sender": {"id": "a" * 32, "code": "X", "name": "X"},
                "public_key": _raw_public(key.public_key()), "parts": writer.parts}
    manifest.update(changes)
    writer.finish(manifest, key)
    return writer.path


def test_other_formats_and_versions_are_named(tmp_path):
    with pytest.raises(BundleError, match="format version 2"):
        verify_bundle(_rewritten_manifest(tmp_path, format_version=2))
    with pytest.raises(BundleError, match="another format"):
        verify_bundle(_rewritten_manifest(tmp_path, format="something-else"))


def test_every_byte_of_a_small_bundle_is_covered(tmp_path):
    """Whatever byte is changed, the bundle is refused (hashes, signature, zip layout)."""
    path = _rewritten_manifest(tmp_path)
    verify_bundle(path)
    raw = path.read_bytes()
    bad = tmp_path / "bad.bundle"
    for pos in range(len(raw)):
        bad.write_bytes(_flip(raw, pos))
        with pytest.raises(BundleError):
            verify_bundle(bad)


def test_a_second_key_for_the_same_office_is_refused(communes, tmp_path, capsys):
    pdb = open_database(tmp_path / "province.db")
    try:
        with pdb.session() as s:
            _make_province(s)
        _import(pdb, communes[0].bundle)
        # Someone else makes a database for the same commune: a new key.
        impostor = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, "TU")
        before = _counts(pdb)
        with pytest.raises(KeyMismatch, match="another key"):
            _import(pdb, impostor.bundle)
        assert _cli_import(pdb.path, impostor.bundle, "--trust-new-key") == 1
        assert "another key" in capsys.readouterr().err
        assert _counts(pdb) == before
    finally:
        pdb.close()


def test_a_new_office_key_needs_confirming(communes, tmp_path, capsys):
    province = tmp_path / "province.db"
    pdb = open_database(province)
    with pdb.session() as s:
        _make_province(s)
    before = _counts(pdb)
    with pytest.raises(BundleError, match="No key is registered"):
        _import(pdb, communes[1].bundle, trust=False)
    assert _cli_import(province, communes[1].bundle) == 1  # not a terminal: not confirmed
    out = capsys.readouterr()
    sender = open_database(communes[1].path)
    with sender.session() as s:
        fingerprint = own_key(s, home_unit(s), create=False).fingerprint
    sender.close()
    assert fingerprint in out.out and "not confirmed" in out.err
    assert _counts(pdb) == before
    assert _cli_import(province, communes[1].bundle, "--trust-new-key") == 0
    assert "registered" in capsys.readouterr().out
    pdb.close()


def test_importing_and_resolving_need_an_office_head_or_administrator(communes, tmp_path):
    pdb = open_database(tmp_path / "province.db")
    try:
        with pdb.session() as s:
            _make_province(s)
        bundle = verify_bundle(communes[0].bundle)
        with acting_as(Actor("1" * 32, "clerk", "Clerk", CLERK)), pdb.session() as s:
            with pytest.raises(PermissionDenied):
                apply_import(s, bundle, trust_new_key=True)
        with acting_as(Actor("2" * 32, "head", "Head", OFFICE_HEAD)), pdb.session() as s:
            apply_import(s, bundle, trust_new_key=True)
            key = s.scalar(select(RegisteredOfficeKey))
            assert key.registered_by == "head"
    finally:
        pdb.close()


# --- denouncers ------------------------------------------------------------------------------


def test_denouncer_identities_never_leave_in_a_bundle(communes, tmp_path):
    for c in communes:
        raw = c.bundle.read_bytes()
        texts = [raw]
        with zipfile.ZipFile(c.bundle) as zf:
            for name in zf.namelist():
                data = zf.read(name)
                texts.append(gzip.decompress(data) if name.endswith(".gz") else data)
        whole = b"\n".join(texts)
        for planted in (PLANTED_NAME, PLANTED_ID, PLANTED_PHONE, PLANTED_ADDRESS,
                        "vuong thi bimat", "079987654321"):
            assert planted.encode() not in whole, planted
        assert "Hoàng Thị Đào".encode() in whole  # other petitioners travel as they are
        assert verify_bundle(c.bundle).parts["minutes"].records == 1

    pdb = open_database(tmp_path / "province.db")
    try:
        with pdb.session() as s:
            _make_province(s)
        _import(pdb, communes[0].bundle)
        with pdb.session() as s:
            den = s.scalar(select(Petition).where(Petition.petition_type == "denunciation"))
            [person] = s.scalars(select(Petitioner).where(Petitioner.petition_id == den.id))
            assert person.full_name == "***" and person.id_number is None
            assert not s.scalar(select(func.count(Citizen.id)).where(
                Citizen.full_name == PLANTED_NAME))
            assert s.scalar(select(func.count(Visit.id))) > 0
    finally:
        pdb.close()


def test_export_remembers_what_was_sent(communes, tmp_path, capsys):
    db_path = communes[2].path
    out = tmp_path / "again.bundle"
    assert main(["--lang", "en", "--db", str(db_path), "export", "bundle", "--out",
                 str(out)]) == 0
    text = capsys.readouterr().out
    assert "since" in text and "Key fingerprint" in text
    bundle = verify_bundle(out)
    # nothing changed since the first bundle: only the office's units and lookups
    assert bundle.parts["petitions"].records == 0
    assert main(["--lang", "en", "--db", str(db_path), "export", "bundle", "--out",
                 str(out), "--since", "2000-01-01"]) == 0
    assert verify_bundle(out).parts["petitions"].records == 3 + 2 + 1


def test_a_bundle_that_fails_midway_changes_nothing(tmp_path):
    """A signed bundle whose petition names a visit nobody sent: refused, and neither its
    unit nor its key nor anything else stays behind (one transaction)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from receptiondesk.services.office_keys import _raw_public

    key = Ed25519PrivateKey.generate()
    writer = BundleWriter(tmp_path / "broken.bundle")
    stamp = {"created_at": "2025-05-01T08:00:00", "updated_at": "2025-05-01T08:00:00",
             "version": 1}
    unit = {"id": "b" * 32, "code": "DU-X", "name": "Đảng ủy xã X", "level": "commune",
            "kind": "party", "parent_id": None, **stamp}
    petition = {"id": "c" * 32, "unit_id": "b" * 32, "received_date": "2025-05-01",
                "petition_type": "complaint", "source_code": "reception",
                "visit_id": "d" * 32, **stamp}
    for name, rows in (("units", [unit]), ("petitions", [petition])):
        part = writer.part(name, list(rows[0]))
        for row in rows:
            part.write(row)
        writer.parts.append(part.close())
    writer.finish({"format": "receptiondesk-bundle", "format_version": 1,
                   "sender": {"id": "b" * 32, "code": "DU-X", "name": "Đảng ủy xã X"},
                   "public_key": _raw_public(key.public_key()), "parts": writer.parts}, key)
    db = open_database(tmp_path / "province.db")
    try:
        with db.session() as s:
            _make_province(s)
        before = _counts(db)
        with pytest.raises(BundleError, match="does not have"):
            _import(db, writer.path)
        assert _counts(db) == before
    finally:
        db.close()


# --- deletions ------------------------------------------------------------------------------


def _monthly_visits(cdb, month: int) -> tuple[str, list[str]]:
    """The regular session of ``month`` and its visits (none has a petition or minutes)."""
    from receptiondesk.model import ReceptionSession

    with cdb.session() as s:
        rs = s.scalar(select(ReceptionSession).where(
            ReceptionSession.session_date == date(2025, month, 10)))
        return rs.id, [v.id for v in s.scalars(select(Visit).where(Visit.session_id == rs.id))]


def _next_bundle(cdb, path: Path) -> Path:
    with cdb.session() as s:
        export_bundle(s, path)  # since the last bundle
    return path


def _rows(db) -> dict[str, int]:
    return {k: v for k, v in _counts(db).items() if k != "audit_entries"}


def two_communes_at_the_province(db, tmp_path):
    """Mường Phăng and Thanh Nưa, each with its own database, whose first bundles the
    province (``db``) has imported."""
    mp = _make_commune(tmp_path, "DU-MP", "Đảng ủy xã Mường Phăng", 1, "TU")
    tn = _make_commune(tmp_path, "DU-TN", "Đảng ủy xã Thanh Nưa", 2, "TU")
    with db.session() as s:
        _make_province(s)
    for c in (mp, tn):
        _import(db, c.bundle)
    return mp, tn


def test_records_deleted_at_a_commune_disappear_at_the_province(db, tmp_path):
    from receptiondesk.model import ReceptionSession

    mp, tn = two_communes_at_the_province(db, tmp_path)
    mdb, tdb = open_database(mp.path), open_database(tn.path)
    try:
        # Mường Phăng: a session of January with its only visit, entered by mistake;
        # Thanh Nưa: one visit of February and its inspection.
        session_id, [visit_id] = _monthly_visits(mdb, 1)
        with mdb.session() as s:
            reception.delete_visit(s, visit_id)
            reception.delete_session(s, session_id)
        _s2, (other_visit, kept_visit) = _monthly_visits(tdb, 2)
        with tdb.session() as s:
            reception.delete_visit(s, other_visit)
            inspection = s.scalar(select(Inspection.id))
            inspections.delete_inspection(s, inspection)
        expected = _summed(_own_reports([mp, tn]))
        assert _figures(_report(db, "TU")) != expected  # the province still counts them
        second = [_next_bundle(mdb, tmp_path / "mp2.bundle"),
                  _next_bundle(tdb, tmp_path / "tn2.bundle")]
    finally:
        mdb.close()
        tdb.close()
    tombstones = list(verify_bundle(second[0]).records("deletions"))
    assert {(t["table"], t["id"]) for t in tombstones} >= {
        ("visits", visit_id), ("reception_sessions", session_id)}

    before = _rows(db)
    with db.session() as s:
        preview = preview_import(s, verify_bundle(second[1]))
    assert preview.counts["visits"].deleted == 1 and preview.counts["inspections"].deleted == 1
    assert _rows(db) == before  # a preview writes nothing

    results = [_import(db, b) for b in second]
    assert results[0].counts["visits"].deleted == 1
    assert results[0].counts["reception_sessions"].deleted == 1
    assert results[1].counts["visits"].deleted == results[1].counts["inspections"].deleted == 1
    assert results[1].total.conflicts == 0
    with db.session() as s:
        assert s.get(Visit, visit_id) is None and s.get(ReceptionSession, session_id) is None
        assert s.get(Visit, other_visit) is None and s.get(Visit, kept_visit) is not None
        assert s.get(Inspection, inspection) is None
        assert s.scalar(select(func.count(Inspection.id))) == 1  # Mường Phăng's
    assert _figures(_report(db, "TU")) == expected

    # The same bundles again: nothing changes.
    before = _rows(db)
    for b in second:
        again = _import(db, b)
        assert again.total.deleted == again.total.conflicts == again.total.new == 0
    assert _rows(db) == before
    assert _figures(_report(db, "TU")) == expected


def test_a_deletion_of_a_record_changed_here_is_a_conflict(db, tmp_path, capsys):
    from receptiondesk.cli.bundle_commands import print_counts
    from receptiondesk.exchange.bundle_merge import DELETED, conflict_differences, is_deletion
    from receptiondesk.i18n import using_language

    commune = _make_commune(tmp_path, "DU-TN", "Đảng ủy xã Thanh Nưa", 2, None)
    with db.session() as s:
        _make_province(s)
    _import(db, commune.bundle)
    cdb = open_database(commune.path)
    try:
        _s1, (untouched, changed) = _monthly_visits(cdb, 1)
        _edit(db, Visit, changed, content="Sửa ở tỉnh")
        for vid in (untouched, changed):
            with cdb.session() as s:
                reception.delete_visit(s, vid)
        second = _next_bundle(cdb, tmp_path / "second.bundle")
        with using_language("en"):
            result = _import(db, second)
            print_counts(result)
        assert result.counts["visits"].deleted == result.counts["visits"].conflicts == 1
        out = capsys.readouterr().out
        assert "conflicts, deleted:" in out and "1 conflicts, 2 deleted." in out
        with db.session() as s:
            assert s.get(Visit, untouched) is None
            assert s.get(Visit, changed).content == "Sửa ở tỉnh"  # never silently deleted
            assert len(s.get(Visit, changed).attendees) == 1  # kept with it
            [conflict] = list_conflicts(s)
            assert is_deletion(conflict) and conflict.record_id == changed
            diffs = {k: (m, t) for k, m, t in conflict_differences(conflict)}
            assert diffs["content"] == ("Sửa ở tỉnh", DELETED)
        # The same bundle again: the same conflict, not a second one.
        assert _import(db, second).total.conflicts == 1
        with db.session() as s:
            assert s.scalar(select(func.count(BundleConflict.id))) == 1
            resolve_conflict(s, conflict.id, TAKE_THEIRS)
        with db.session() as s:
            assert s.get(Visit, changed) is None
            assert not s.scalar(select(func.count(VisitAttendee.visit_id)).where(
                VisitAttendee.visit_id == changed))
            assert list_conflicts(s) == []
        again = _import(db, second)
        assert again.total.conflicts == again.total.deleted == 0

        # Keep mine: the province's copy stays, and the deletion is not asked again.
        _s2, (kept, _other) = _monthly_visits(cdb, 2)
        _edit(db, Visit, kept, content="Tỉnh giữ lại")
        with cdb.session() as s:
            reception.delete_visit(s, kept)
        third = _next_bundle(cdb, tmp_path / "third.bundle")
    finally:
        cdb.close()
    assert _import(db, third).total.conflicts == 1
    with db.session() as s:
        [conflict] = list_conflicts(s)
        resolve_conflict(s, conflict.id, KEEP_MINE)
    again = _import(db, third)
    assert again.total.conflicts == again.total.deleted == 0
    with db.session() as s:
        assert s.get(Visit, kept).content == "Tỉnh giữ lại"
        assert list_conflicts(s) == []


def _without_deletions(commune: Commune, path: Path) -> Path:
    """The commune's first bundle as an older version wrote it: without the deletions
    part, signed by the commune's key."""
    from receptiondesk.services.office_keys import signer

    old = verify_bundle(commune.bundle)
    writer = BundleWriter(path)
    for name, part in old.parts.items():
        if name == "deletions":
            continue
        out = writer.part(name, part.columns)
        for record in old.records(name):
            out.write(record)
        writer.parts.append(out.close())
    manifest = {**old.manifest, "parts": writer.parts}
    cdb = open_database(commune.path)
    try:
        with cdb.session() as s:
            writer.finish(manifest, signer(own_key(s, home_unit(s), create=False)))
    finally:
        cdb.close()
    return path


def test_an_older_bundle_without_deletions_still_imports(db, communes, tmp_path):
    old = verify_bundle(_without_deletions(communes[0], tmp_path / "old.bundle"))
    assert "deletions" not in old.parts and "deletions" in verify_bundle(
        communes[0].bundle).parts
    with db.session() as s:
        _make_province(s)
    result = _import(db, old.path)
    assert result.total.new > 0 and result.total.deleted == 0
    with db.session() as s:
        assert s.scalar(select(func.count(Visit.id))) > 0
