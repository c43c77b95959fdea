"""The audit log held from outside the file (issue 16, item 2, in part): ``db check``
names a dropped table or trigger, and holds the chain against the heads of the
database's backups, so a cut tail or a recomputed chain is found."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from receptiondesk.cli import main
from receptiondesk.services import audit, units
from receptiondesk.services.backups import make_backup, record_restore, restore_backup
from receptiondesk.services.database import open_database

pytestmark = pytest.mark.sqlite_only("about SQLite files and their backups")


def _unit_names(db, *names: str) -> None:
    with db.session() as s:
        for name in names:
            units.create_unit(s, units.UnitInput(code=name, name=f"Xã {name}",
                                                 level="commune", kind="state"))


@pytest.fixture
def office(tmp_path) -> tuple[Path, Path]:
    """(database, backups folder): a backup made after some work, then more work."""
    path, folder = tmp_path / "receptiondesk.db", tmp_path / "backups"
    db = open_database(path)
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="X", name="Xã A"), home=True)
    _unit_names(db, "B1", "B2", "B3")
    make_backup(db, folder, "manual", now=datetime(2026, 3, 1, 8, 0))
    _unit_names(db, "C1", "C2")
    db.close()
    return path, folder


def _check(path: Path, folder: Path, capsys) -> tuple[int, str]:
    code = main(["--db", str(path), "--lang", "en", "db", "check", "--backups", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def test_a_sound_log_passes_against_its_backups(office, capsys):
    code, out = _check(*office, capsys)
    assert code == 0 and "The database is sound" in out


def test_a_dropped_table_or_trigger_is_named(office, capsys):
    path, folder = office
    _sql(path, "DROP TRIGGER audit_entries_no_delete")
    code, out = _check(path, folder, capsys)
    assert code == 1 and "protection audit_entries_no_delete is missing" in out
    _sql(path, "DROP TRIGGER audit_entries_no_update", "DROP TABLE audit_entries")
    code, out = _check(path, folder, capsys)
    assert code == 1 and "The audit log is missing: its table was dropped." in out


def _rewrite_whole_chain(path: Path, keep_below: int) -> None:
    """The attack: drop the triggers, delete entries from ``keep_below`` on, recompute
    every hash from the start and fix the head and sqlite_sequence."""
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER audit_entries_no_update")
    con.execute("DROP TRIGGER audit_entries_no_delete")
    con.execute("DELETE FROM audit_entries WHERE seq >= ?", (keep_below,))
    con.execute("UPDATE audit_entries SET username = 'someone else' WHERE seq = 2")
    prev = audit.GENESIS
    rows = con.execute("SELECT seq, at, username, action, record_kind, record_id, unit_id, "
                       "detail FROM audit_entries ORDER BY seq").fetchall()
    for seq, at, user, action, kind, rid, unit_id, detail in rows:
        digest = audit.entry_hash(prev, seq, datetime.fromisoformat(at), user, action, kind,
                                  rid, unit_id, detail)
        con.execute("UPDATE audit_entries SET prev_hash = ?, hash = ? WHERE seq = ?",
                    (prev, digest, seq))
        prev = digest
    last = rows[-1][0]
    con.execute("UPDATE settings SET value = ? WHERE key = ?",
                (f'{{"seq": {last}, "hash": "{prev}"}}', audit.HEAD_SETTING))
    con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_entries'", (last,))
    con.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
    con.execute("CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
    con.commit()
    con.close()
    assert audit.head_of_file(path) == (last, prev)  # the chain itself is sound again


def test_a_recomputed_chain_is_found_by_the_backup(office, capsys):
    path, folder = office
    _rewrite_whole_chain(path, keep_below=10**9)
    code, out = _check(path, folder, capsys)
    assert code == 1 and "is not the one the backup receptiondesk-20260301-080000-manual.db " \
        "holds: the log was rewritten after that backup." in out


def test_a_cut_tail_is_found_by_the_backup(office, capsys):
    path, folder = office
    head = audit.head_of_file(next(folder.iterdir()))
    assert head is not None
    _rewrite_whole_chain(path, keep_below=head[0] - 1)
    code, out = _check(path, folder, capsys)
    assert code == 1 and f"lacks entry {head[0]}, which the backup" in out


def test_a_restore_to_an_older_backup_is_not_a_rewrite(office, capsys):
    path, folder = office
    older = next(folder.iterdir())
    db = open_database(path)
    _unit_names(db, "D1")
    make_backup(db, folder, "manual", now=datetime(2026, 3, 2, 8, 0))  # the later branch
    db.close()
    aside = restore_backup(path, older)
    record_restore(path, older, aside)
    db = open_database(path)
    _unit_names(db, "E1")
    db.close()
    code, out = _check(path, folder, capsys)
    assert code == 0, out
    # the later branch is passed over, but named
    assert "Note: The backup receptiondesk-20260302-080000-manual.db holds entries that " \
        "the restore at audit log entry" in out


# --- bundles carry the office's audit head -------------------------------------------------


def _export(path: Path, out: Path) -> Path:
    from receptiondesk.exchange.bundle_export import export_bundle

    db = open_database(path)
    with db.session() as s:
        export_bundle(s, out)
    db.close()
    return out


def _import(province: Path, bundle: Path) -> list[str]:
    from receptiondesk.exchange.bundle import verify_bundle
    from receptiondesk.exchange.bundle_merge import apply_import

    db = open_database(province)
    with db.session() as s:
        problems = apply_import(s, verify_bundle(bundle), trust_new_key=True).audit_problems
    db.close()
    return problems


@pytest.fixture
def two_levels(tmp_path, office) -> tuple[Path, Path]:
    commune, _folder = office
    province = tmp_path / "province.db"
    db = open_database(province)
    with db.session() as s:
        units.create_unit(s, units.UnitInput(code="TU", name="Tỉnh ủy", level="province",
                                             kind="party"), home=True)
    db.close()
    assert _import(province, _export(commune, tmp_path / "first.bundle")) == []
    return commune, province


def test_bundles_of_an_untouched_log_raise_nothing(two_levels, tmp_path):
    commune, province = two_levels
    db = open_database(commune)
    _unit_names(db, "F1")
    db.close()
    assert _import(province, _export(commune, tmp_path / "second.bundle")) == []


def test_a_log_rewritten_between_two_bundles_is_named_at_the_upper_level(two_levels,
                                                                         tmp_path, capsys):
    commune, province = two_levels
    _rewrite_whole_chain(commune, keep_below=10**9)
    bundle = _export(commune, tmp_path / "second.bundle")
    assert main(["--db", str(province), "--lang", "en", "import", "bundle", str(bundle),
                 "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Warning: The audit log of Xã A was rewritten since its last bundle" in out


def test_a_printed_report_carries_the_audit_head(office, tmp_path):
    from pypdf import PdfReader

    from receptiondesk.model import Unit
    from receptiondesk.reports import periods
    from receptiondesk.reports.outputs import write_pdf
    from receptiondesk.reports.periodic import periodic_report

    path, _folder = office
    db = open_database(path)
    with db.session() as s:
        home = s.query(Unit).filter_by(is_home=True).one()
        report = periodic_report(s, home.id, periods.six_months_period(2025))
    db.close()
    now_seq, now_hash = audit.head_of_file(path)
    assert (report.audit_seq, report.audit_fingerprint.replace(" ", "")) == (
        now_seq, now_hash[:16].upper())
    out = tmp_path / "report.pdf"
    write_pdf(report, None, out, "en")
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert f"Audit log: entry {report.audit_seq}, {report.audit_fingerprint}" in text


def _append_entry(path: Path, action: str, detail: dict) -> int:
    """Append an entry with a valid hash, as someone who can write the file could."""

    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
    seq, prev = con.execute("SELECT seq, hash FROM audit_entries ORDER BY seq DESC "
                            "LIMIT 1").fetchone()
    at = datetime(2026, 3, 3, 9, 0)
    text = audit.canonical_json(detail)
    digest = audit.entry_hash(prev, seq + 1, at, "admin", action, "database", "", None, text)
    con.execute("INSERT INTO audit_entries (seq, at, username, action, record_kind, record_id,"
                " unit_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, 'database', '', NULL,"
                " ?, ?, ?)", (seq + 1, at.isoformat(sep=" "), "admin", action, text, prev,
                             digest))
    con.execute("UPDATE settings SET value = ? WHERE key = ?",
                (f'{{"seq": {seq + 1}, "hash": "{digest}"}}', audit.HEAD_SETTING))
    con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_entries'", (seq + 1,))
    con.execute("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
                "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
    con.commit()
    con.close()
    return seq + 1


def test_a_fabricated_restore_entry_does_not_hide_a_rewrite(office, capsys):
    """The attack: rewrite the log after a newer backup, then append a "restore" entry
    naming an older backup, so that the newer backup would be passed over as a branch
    left by that restore. The entry does not follow the older backup's end: it is named,
    and the newer backup still finds the rewrite."""
    path, folder = office
    older = next(folder.iterdir())
    db = open_database(path)
    _unit_names(db, "D1")
    newer = make_backup(db, folder, "manual", now=datetime(2026, 3, 2, 8, 0))
    db.close()
    _rewrite_whole_chain(path, keep_below=10**9)
    older_head = audit.head_of_file(older)
    fake = _append_entry(path, "restore", {
        "backup": older.name, "kept_aside": "",
        "backup_head": {"seq": older_head[0], "hash": older_head[1]}})
    code, out = _check(path, folder, capsys)
    assert code == 1, out
    assert f"Audit log entry {fake} says the backup {older.name} was restored, but it does " \
        "not follow that backup's last entry" in out
    assert f"the backup {newer.name} holds: the log was rewritten after that backup." in out


def test_a_real_restore_records_the_head_it_follows(office, capsys):
    path, folder = office
    older = next(folder.iterdir())
    aside = restore_backup(path, older)
    record_restore(path, older, aside)
    con = sqlite3.connect(path)
    detail, = con.execute("SELECT detail FROM audit_entries WHERE action = 'restore'").fetchone()
    con.close()
    head = audit.head_of_file(older)
    assert f'"backup_head":{{"hash":"{head[1]}","seq":{head[0]}}}' in detail
    assert _check(path, folder, capsys)[0] == 0


def test_a_log_cut_back_to_a_backup_with_a_restore_entry_is_named_in_a_note(office, capsys):
    """What a fabricated entry can still do: cut the log back to exactly an older backup's
    end and add a restore entry after it. That is what a real restore leaves, so it is not
    a problem; but the newer backup it sets aside is named, not passed over silently."""
    path, folder = office
    older = next(folder.iterdir())
    db = open_database(path)
    _unit_names(db, "D1")
    newer = make_backup(db, folder, "manual", now=datetime(2026, 3, 2, 8, 0))
    db.close()
    head = audit.head_of_file(older)
    _sql(path, "DROP TRIGGER audit_entries_no_delete",  # cut back to the older backup's end
         f"DELETE FROM audit_entries WHERE seq > {head[0]}",
         "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
         "BEGIN SELECT RAISE(ABORT, 'append-only'); END")
    _append_entry(path, "restore", {"backup": older.name, "kept_aside": "",
                                    "backup_head": {"seq": head[0], "hash": head[1]}})
    code, out = _check(path, folder, capsys)
    assert code == 0, out
    assert f"Note: The backup {newer.name} holds entries that the restore" in out
