"""Sign-in everywhere on the command line: on a database with accounts, every command that
reads records or copies the file needs ``--user``; without it the command is refused with
one translated line, before anything is read or written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from receptiondesk.cli import main
from receptiondesk.services import petitions as ps
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    OFFICE_HEAD,
    UserInput,
    acting_as,
    create_user,
)

TODAY = date.today()
NAME = "Vì Văn Páo"
PASSWORD = "long enough"


@pytest.fixture
def office(db, session, unit):
    """A commune with one complaint and two accounts (administrator, office head)."""
    ps.register_petition(session, unit.id, ps.PetitionInput(
        received_date=TODAY - timedelta(days=3), petition_type="complaint",
        content="Tranh chấp đất đai", ref="KN-01", field_code="land",
        petitioners=[ps.PetitionerInput(full_name=NAME)]), today=TODAY)
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR), PASSWORD)
    with acting_as(admin):
        create_user(session, UserInput("truongvp", "Lường Thị Mai", OFFICE_HEAD), PASSWORD,
                    must_change_password=False)
    session.commit()
    return db


def _commands(tmp_path) -> dict[str, list[str]]:
    source = tmp_path / "in.csv"
    source.write_text("ref,received_date,type,field_code,petitioner_name,content\n"
                      f"KN-02,{TODAY.isoformat()},complaint,land,Lò Văn A,Hỏi đất\n",
                      encoding="utf-8")
    day = (TODAY - timedelta(days=30)).isoformat()
    return {
        "search": ["search", "Páo"],
        "search --json": ["search", "Páo", "--json"],
        "db backup": ["db", "backup", "--out", str(tmp_path / "copy.db")],
        "export petitions": ["export", "petitions", str(tmp_path / "p.csv")],
        "export logbook": ["export", "logbook", str(tmp_path / "l.xlsx")],
        "export national": ["export", "national", str(tmp_path / "n.json")],
        "export bundle": ["export", "bundle", "--out", str(tmp_path / "b.bundle")],
        "print logbook": ["print", "logbook", "--from", day, "--out", str(tmp_path / "b.pdf")],
        "report periodic": ["report", "periodic", "--from", day, "--to", TODAY.isoformat(),
                            "--out", str(tmp_path / "r.json")],
        "screenshot": ["screenshot", "--page", "petitions", "--out", str(tmp_path / "s.png")],
        "import petitions": ["import", "petitions", str(source)],
    }


COMMANDS = ["search", "search --json", "db backup", "export petitions", "export logbook",
            "export national", "export bundle", "print logbook", "report periodic",
            "screenshot", "import petitions"]


def _files(folder) -> set[str]:
    """The files in the folder but the database's own (its journal comes and goes)."""
    return {p.name for p in folder.iterdir() if not p.name.startswith("t.db")}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_command_that_reads_records_needs_a_user(office, tmp_path, capsys, name):
    argv = _commands(tmp_path)[name]
    before = _files(tmp_path)
    assert main(["--database-url", office.url, "--lang", "en", *argv]) == 1
    out, err = capsys.readouterr()
    assert "This database has user accounts: sign in with --user NAME" in err
    assert "RECEPTIONDESK_PASSWORD" in err
    assert NAME not in out + err
    assert _files(tmp_path) == before  # nothing written


def test_the_refusal_is_in_vietnamese(office, tmp_path, capsys):
    assert main(["--database-url", office.url, "--lang", "vi", "search", "Páo"]) == 1
    err = capsys.readouterr().err
    assert "--user" in err and "tài khoản" in err


@pytest.mark.sqlite_only("db backup copies a SQLite file")
def test_signed_in_search_and_backup_run(office, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RECEPTIONDESK_PASSWORD", PASSWORD)
    assert main(["--database-url", office.url, "--lang", "en", "--user", "truongvp",
                 "search", "Páo"]) == 0
    assert NAME in capsys.readouterr().out
    copy = tmp_path / "copy.db"
    assert main(["--database-url", office.url, "--lang", "en", "--user", "truongvp",
                 "db", "backup", "--out", str(copy)]) == 0
    assert copy.exists()
    monkeypatch.setenv("RECEPTIONDESK_PASSWORD", "wrong password")
    assert main(["--database-url", office.url, "--lang", "en", "--user", "truongvp",
                 "search", "Páo"]) == 1
    assert NAME not in capsys.readouterr().out


def test_without_accounts_no_user_is_needed(db, session, unit, capsys):
    """A fresh database (no account yet) works as before."""
    session.commit()
    assert main(["--database-url", db.url, "--lang", "en", "search", "anything"]) == 0


def test_a_clerks_bundle_is_a_copy_the_heads_is_sent(office, session, tmp_path, capsys,
                                                     monkeypatch):
    from sqlalchemy import select

    from receptiondesk.model import OfficeKey, User

    admin = session.scalar(select(User).where(User.username == "quantri"))
    with acting_as(admin):
        create_user(session, UserInput("thuky", "Nguyễn Thị Hoa", "clerk"), PASSWORD,
                    must_change_password=False)
    session.commit()
    monkeypatch.setenv("RECEPTIONDESK_PASSWORD", PASSWORD)

    def export(user: str) -> str:
        assert main(["--database-url", office.url, "--lang", "en", "--user", user, "export",
                     "bundle", "--out", str(tmp_path / f"{user}.bundle")]) == 0
        return capsys.readouterr().out

    def mark():
        with office.session() as s:
            return s.scalar(select(OfficeKey.last_export_at))

    assert "This is a copy" in export("thuky")
    assert mark() is None  # the next real bundle is still the first: everything
    assert "This is a copy" not in export("truongvp")
    assert mark() is not None
