"""The audit log held from outside a shared database (issue 16, item 2 on PostgreSQL):
its backups are the server's (pg_dump), so ``db anchor --out FILE`` writes the log's head
to a small file kept elsewhere, and ``db check --anchors FOLDER`` holds the log against
every such file, naming a rewrite by the file. Run on both databases."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text

from receptiondesk.cli import main
from receptiondesk.services import audit, units


def _units(session, *codes: str) -> None:
    for code in codes:
        units.create_unit(session, units.UnitInput(code=code, name=f"Xã {code}",
                                                   level="commune", kind="state"))
    session.commit()


def _where(db) -> list[str]:
    return ["--db", str(db.path)] if db.is_sqlite else ["--database-url", db.url]


def _check(db, folder, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main([*_where(db), "--lang", "en", "db", "check", "--anchors", str(folder),
                 "--backups", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _recompute_chain(db) -> None:
    """The attack: change an old entry with the protection off, then recompute every hash
    after it and the head, so that the log is sound in itself."""
    with db.engine.begin() as conn:
        sqlite = db.is_sqlite
        if sqlite:
            conn.execute(text("DROP TRIGGER audit_entries_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_entries SET username = 'someone else' WHERE seq = 2"))
        prev = audit.GENESIS
        rows = conn.execute(text("SELECT seq, at, username, action, record_kind, record_id, "
                                 "unit_id, detail FROM audit_entries ORDER BY seq")).all()
        for seq, at, user, action, kind, rid, unit_id, detail in rows:
            at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
            digest = audit.entry_hash(prev, seq, at.replace(tzinfo=None), user, action, kind,
                                      rid, unit_id, detail)
            conn.execute(text("UPDATE audit_entries SET prev_hash = :p, hash = :h "
                              "WHERE seq = :s"), {"p": prev, "h": digest, "s": seq})
            prev = digest
        conn.execute(text("UPDATE settings SET value = :v WHERE key = :k"),
                     {"v": json.dumps({"seq": rows[-1][0], "hash": prev}),
                      "k": audit.HEAD_SETTING})
        if sqlite:
            conn.execute(text("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON "
                              "audit_entries BEGIN SELECT RAISE(ABORT, 'append-only'); END"))
        else:
            conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def test_an_anchor_file_holds_the_log_and_names_a_rewrite(db, session, unit, tmp_path,
                                                          capsys):
    _units(session, "A1", "A2")
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    out = anchors / "anchor-1.json"
    assert main([*_where(db), "--lang", "en", "db", "anchor", "--out", str(out)]) == 0
    assert "Audit log head written to" in capsys.readouterr().out
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["kind"] == audit.ANCHOR_KIND and written["seq"] > 2
    _units(session, "B1")  # the log goes on after the anchor: still sound
    code, report = _check(db, anchors, capsys)
    assert code == 0, report
    assert "The database is sound" in report
    _recompute_chain(db)
    code, report = _check(db, anchors, capsys)
    assert code == 1, report
    assert f"Audit log entry {written['seq']} is not the one the backup anchor-1.json holds" \
        in report


def test_an_anchor_of_another_database_is_named_not_used(db, session, unit, tmp_path, capsys):
    _units(session, "A1")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"kind": audit.ANCHOR_KIND, "seq": 1, "hash": "0" * 64,
                                 "first": "f" * 64, "made": "2026-01-01T00:00:00"}),
                     encoding="utf-8")
    code, report = _check(db, other, capsys)
    assert code == 1 and "other.json was written by another database" in report
