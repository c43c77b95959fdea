"""Several PCs on one shared PostgreSQL database at once: three programs write sessions,
petitions and an import together and nothing is lost; two that edit the same record see
the "changed by someone else" refusal instead of overwriting each other.

Each PC is a separate process, as on a real office network. PostgreSQL only (SQLite's
two writers are tested with the single-PC file in the crash-safety and locking tests).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Petition, ReceptionSession
from receptiondesk.services import petitions
from receptiondesk.services.petitions import PetitionerInput, PetitionInput

pytestmark = pytest.mark.parametrize("db", ["postgresql"], indirect=True)

SESSIONS, PETITIONS, IMPORTED = 25, 25, 40


def pc(script: str) -> subprocess.Popen:
    """Start one 'PC': a Python process running ``script``."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return out


def write_import_file(path, unit_code: str) -> None:
    head = ("unit_code,ref,received_date,source,type,field_code,petitioner_name,id_number,"
            "address,signers,content,handling,handling_date,status,result,result_date\n")
    rows = [f"{unit_code},NK-{i:03d}/2026,2026-02-{1 + i % 27:02d},post,recommendation,land,"
            f"Người gửi {i},,Bản Phăng,1,Kiến nghị số {i} về đường liên bản,,,received,,\n"
            for i in range(IMPORTED)]
    path.write_text(head + "".join(rows), encoding="utf-8")


def test_three_pcs_write_at_once_and_nothing_is_lost(db, session, unit, official, tmp_path):
    session.commit()
    csv = tmp_path / "petitions.csv"
    write_import_file(csv, unit.code)
    sessions_pc = pc(f"""
        from datetime import date, time
        from receptiondesk.services.database import open_database
        from receptiondesk.services import reception
        from receptiondesk.services.reception import SessionInput
        db = open_database(database_url={db.url!r})
        for i in range({SESSIONS}):
            with db.session() as s:
                reception.create_session(s, {unit.id!r}, SessionInput(
                    date(2026, 3, 1 + i % 28), place="Trụ sở", start_time=time(8),
                    presiding_official_id={official.id!r}), today=date(2026, 3, 30))
                s.commit()
        db.close()
    """)
    petitions_pc = pc(f"""
        from datetime import date
        from receptiondesk.services.database import open_database
        from receptiondesk.services import petitions
        from receptiondesk.services.petitions import PetitionerInput, PetitionInput
        db = open_database(database_url={db.url!r})
        for i in range({PETITIONS}):
            with db.session() as s:
                petitions.register_petition(s, {unit.id!r}, PetitionInput(
                    date(2026, 3, 2), "complaint", f"Khiếu nại {{i}}", "post", "land",
                    petitioners=[PetitionerInput(f"Người khiếu nại {{i}}")]),
                    today=date(2026, 3, 30))
                s.commit()
        db.close()
    """)
    import_pc = pc(f"""
        import sys
        from receptiondesk.cli import main
        sys.exit(main(["--database-url", {db.url!r}, "--lang", "en", "import", "petitions",
                       {str(csv)!r}]))
    """)
    for proc in (sessions_pc, petitions_pc, import_pc):
        finished(proc)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReceptionSession)) == SESSIONS
        assert s.scalar(select(func.count()).select_from(Petition)) == PETITIONS + IMPORTED
        refs = set(s.scalars(select(Petition.ref)))
    assert {f"NK-{i:03d}/2026" for i in range(IMPORTED)} <= refs  # every imported row


def test_two_pcs_saving_the_same_petition_one_is_told_not_overwritten(db, session, unit):
    p = petitions.register_petition(session, unit.id, PetitionInput(
        date(2026, 3, 2), "complaint", "Nội dung gốc", "post", "land", ref="15/2026",
        petitioners=[PetitionerInput("Nguyễn Văn An")]), today=date(2026, 3, 30))
    session.commit()
    seen = p.version
    edit = """
        import sys
        from datetime import date
        from receptiondesk.services.database import open_database
        from receptiondesk.services import petitions
        from receptiondesk.i18n import set_language
        from receptiondesk.services.errors import ChangedByAnotherUser
        from receptiondesk.services.petitions import PetitionerInput, PetitionInput
        set_language("en")
        db = open_database(database_url={url!r})
        data = PetitionInput(date(2026, 3, 2), "complaint", {text!r}, "post", "land",
                             ref="15/2026", petitioners=[PetitionerInput("Nguyễn Văn An")])
        try:
            with db.session() as s:
                petitions.update_petition(s, {pid!r}, data, today=date(2026, 3, 30),
                                          expected_version={seen})
                s.commit()
            print("saved")
        except ChangedByAnotherUser as exc:
            print("refused:", exc)
        db.close()
    """
    a = pc(edit.format(url=db.url, text="A sửa", pid=p.id, seen=seen))
    b = pc(edit.format(url=db.url, text="B sửa", pid=p.id, seen=seen))
    outcomes = [finished(a).strip(), finished(b).strip()]
    saved = [o for o in outcomes if o == "saved"]
    refused = [o for o in outcomes if o.startswith("refused:")]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert "was changed by" in refused[0] and "reload" in refused[0]
    with db.session() as s:
        assert s.get(Petition, p.id).content in ("A sửa", "B sửa")
