"""Every output kind × every role, through the one door out (issue 12, "Done means").

A denouncer's name, ID number and phone are planted in the structured fields of their
denunciations (one brought at a reception visit, one by post) AND typed into the content
and notes of those denunciations, of another citizen's complaint and its visit, of a
working meeting, its concluding notice and the session's minutes. Then every output is
made as each role (and as nobody signed in):

- a role without the permission is refused, no file is written and nothing is audited;
- otherwise the file is written and exactly one audit entry names the output;
- a role not cleared finds the denouncer in none of them (however typed: the name without
  accents, the phone with dots); a cleared role (office head, receiving official) finds
  them in every output that shows records — except those that leave the office (the
  verifiers' copy, the national export, a bundle), which blot them out for everyone.

The GUI's print and Save Excel paths of the Reports page are in the matrix too (pytest-qt,
dialogs stubbed), as are its search dialog's listing and the petition list's rows.
"""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from receptiondesk.model import AuditEntry
from receptiondesk.services import (
    attachments,
    citizens,
    meetings,
    minutes,
    outputs,
    petitions,
    reception,
)
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLEARED_ROLES,
    CLERK,
    OFFICE_HEAD,
    ROLES,
    acting_as,
)
from receptiondesk.services.errors import PermissionDenied
from receptiondesk.text import fold

TODAY = date.today()
HELD_ON = TODAY - timedelta(days=10)

NAME = "Hoàng Văn Bí"
ID_NUMBER = "012345678901"
PHONE = "0912345678"
ADDRESS = "Bản Ẩn Mật, xã Mường Phăng"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
#: how the clerk typed the denouncer into free texts
TYPED = "Ông hoang van bi (CCCD 012345678901, ĐT 0912.345.678)"
#: words of the planted records that are not the denouncer's (folded)
MARKERS = ("lo thi mai", "to cao", "bi mat", "khieu nai", "doi chat", "tinh hinh")


def found(text: str, address: bool = False) -> set[str]:
    """Which of the name, ID number and phone (and, asked, the address) ``text`` holds
    (accents, case, spaces and separators ignored)."""
    folded = fold(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    hits = {"address"} if address and fold("Bản Ẩn Mật") in folded else set()
    if fold(NAME) in folded:
        hits.add("name")
    if ID_NUMBER in digits:
        hits.add("id")
    if PHONE in digits or PHONE[1:] in digits:
        hits.add("phone")
    return hits


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(path).pages)


def xlsx_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    return " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)


def bundle_text(path: Path) -> str:
    """Every record of every part, as JSON with its characters unescaped."""
    parts = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            for line in data.decode("utf-8", "replace").splitlines():
                try:
                    parts.append(json.dumps(json.loads(line), ensure_ascii=False))
                except ValueError:
                    parts.append(line)
    return " ".join(parts)


def file_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path)
    if suffix == ".xlsx":
        return xlsx_text(path)
    if suffix in (".csv", ".json"):
        text = path.read_text("utf-8-sig")
        return json.dumps(json.loads(text), ensure_ascii=False) if suffix == ".json" else text
    return bundle_text(path)


@pytest.fixture
def planted(session, unit, official, clerk, people, tmp_path):
    """The denouncer, in structured fields and typed into free texts everywhere."""
    with acting_as(people[OFFICE_HEAD]):
        rs = reception.create_session(session, unit.id, reception.SessionInput(
            HELD_ON, presiding_official_id=official.id, recorder_official_id=clerk.id,
            place="Trụ sở Đảng ủy", ref="TCD-09"), today=TODAY)
        visit = reception.add_visit(session, rs.id, reception.VisitInput(
            f"{TYPED} tố cáo cán bộ địa chính nhận tiền của dân",
            new_citizen=citizens.CitizenInput(NAME, 1975, "male", ID_NUMBER, ADDRESS, PHONE),
            petition_type="denunciation", notes=f"Gọi lại {TYPED}",
            follow_up=f"Hẹn {NAME} tuần sau"), today=TODAY)
        by_visit = reception.register_petition_from_visit(session, visit.id, today=TODAY)
        other_visit = reception.add_visit(session, rs.id, reception.VisitInput(
            f"Khiếu nại cấp giấy chứng nhận; người làm chứng: {TYPED}",
            new_citizen=citizens.CitizenInput("Lò Thị Mai", 1980, address="Bản Phăng"),
            petition_type="complaint", notes=f"Đối chiếu lời {TYPED}"), today=TODAY)
        complaint = reception.register_petition_from_visit(session, other_visit.id,
                                                            today=TODAY)
        by_post = petitions.register_petition(session, unit.id, petitions.PetitionInput(
            HELD_ON, "denunciation", f"{TYPED} tố cáo chủ tịch xã lạm quyền thu tiền",
            source_code="post", ref="TC-09",
            petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, ADDRESS, PHONE)]),
            today=TODAY)
        own = petitions.register_petition(session, unit.id, petitions.PetitionInput(
            HELD_ON, "complaint", "Khiếu nại việc thu hồi đất làm đường", source_code="post",
            ref="KN-09", petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, ADDRESS,
                                                                PHONE)]), today=TODAY)
        scan = tmp_path / "don-khieu-nai.png"
        scan.write_bytes(PNG)
        own_scan = attachments.add_attachment(session, unit.id, "petition", own.id, scan)
        for p in (by_visit, by_post, complaint):
            petitions.add_note(session, p.id, TODAY, f"Ghi chú: {TYPED}")
        m = minutes.minutes_for(session, "session", rs.id)
        minutes.update_minutes(session, m.id, text=f"Ý kiến khác: {TYPED}")
        meeting = meetings.create_meeting(session, unit.id, meetings.MeetingInput(
            HELD_ON, chaired_by_id=official.id, place="Hội trường",
            participants="Ban tiếp công dân", content=f"Nghe báo cáo vụ {TYPED}",
            conclusions=f"Bảo vệ người tố cáo {NAME}", ref="HL-09"), today=TODAY)
        notice = meetings.issue_notice(session, meetings.NoticeInput(
            "09/TB", TODAY, f"Giữ bí mật danh tính {TYPED}", signed_by_id=official.id),
            meeting_id=meeting.id, today=TODAY)
    session.commit()
    return {"session": rs, "visit": visit, "by_visit": by_visit, "by_post": by_post,
            "complaint": complaint, "minutes": m, "notice": notice, "own": own,
            "own_scan": own_scan,
            "citizen_id": visit.citizen_id}


def _report(session, unit):
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.reports.periods import custom_period

    return periodic_report(session, unit.id, custom_period(HELD_ON - timedelta(days=30), TODAY),
                           TODAY)


def every_output(session, db, unit, planted, tmp_path: Path) -> dict[str, tuple]:
    """{name: (output kind, produce() → the text the reader gets, whether it shows
    records with identities to a cleared role)}."""
    from receptiondesk.documents.notices import parse_documents
    from receptiondesk.exchange.national import default_scope

    def to(name: str) -> Path:
        return tmp_path / name

    def pdf(name, make):
        def run():
            make(to(name))
            return file_text(to(name))
        return run

    narrative = {"situation": f"Tình hình: {TYPED} đã tố cáo."}
    made: dict[str, tuple] = {
        "minutes": ("minutes", pdf("bb.pdf", lambda p: outputs.print_minutes(
            session, planted["minutes"].id, p, lang="vi")), True),
        "notice": ("notice", pdf("tb.pdf", lambda p: outputs.print_notice(
            session, planted["notice"].id, p, lang="vi")), True),
        "logbook pdf": ("logbook", pdf("so.pdf", lambda p: outputs.print_logbook(
            session, unit.id, None, None, p, lang="vi", unit_ids=[unit.id])), True),
        "logbook xlsx": ("logbook_xlsx", pdf("so.xlsx", lambda p: outputs.save_logbook_xlsx(
            session, [unit.id], None, None, p, lang="vi")), True),
        "slip": ("slip", pdf("hen.pdf", lambda p: outputs.print_slip(
            session, unit.id, planted["citizen_id"], TODAY, f"Đối chất với {TYPED}", p,
            lang="vi", issued_on=TODAY)), True),
        "receipt": ("receipt", pdf("bn.pdf", lambda p: outputs.print_receipt(
            session, unit.id, planted["citizen_id"],
            parse_documents(f"Đơn tố cáo của {TYPED}:1"), p, lang="vi")), True),
        "verifier copy": ("verifier_copy", pdf("xm.pdf", lambda p: outputs.print_verifier_copy(
            session, planted["by_post"].id, p, lang="vi")), False),
        "report pdf": ("periodic_report", pdf("bc.pdf", lambda p: outputs.write_report(
            session, _report(session, unit), "pdf", p, lang="vi", narrative=narrative)), True),
        "report xlsx": ("periodic_report", pdf("bc.xlsx", lambda p: outputs.write_report(
            session, _report(session, unit), "xlsx", p, lang="vi")), False),
        "report json": ("periodic_report", pdf("bc.json", lambda p: outputs.write_report(
            session, _report(session, unit), "json", p)), False),
        "national": ("national", pdf("qg.json", lambda p: outputs.export_national(
            session, p, default_scope(session, unit.id), allow_unmapped=True)), False),
        "bundle": ("bundle", pdf("goi.rdbundle", lambda p: outputs.export_bundle(
            session, p)), False),
        "search": ("search", lambda: json.dumps(
            [r.as_dict() for r in outputs.search(session, "tố cáo")], ensure_ascii=False),
            True),
        "search dialog": ("search", lambda: repr(outputs.search_listing(session, "tố cáo")),
                          True),
        "screenshot": ("screenshot", lambda: (outputs.screenshot(
            db, "petitions", to("shot.png"), lambda p: p.write_bytes(b"\x89PNG")),
            to("shot.png").read_bytes().decode("latin-1"))[1], False),
    }
    for kind in ("logbook", "petitions", "meetings"):
        for suffix in (".csv", ".xlsx"):
            made[f"export {kind}{suffix}"] = (f"export_{kind}", pdf(
                f"{kind}{suffix}", lambda p, k=kind: outputs.export_table(session, k, p)), True)
    return made


def audit_count(session, action: str, kind: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.record_kind == kind)) or 0


@pytest.mark.parametrize("role", [*ROLES, None])
def test_every_output_for_every_role(session, db, unit, people, planted, tmp_path, role):
    user = people[role] if role is not None else None
    cleared = role in CLEARED_ROLES
    refused, leaked, missing, audited = [], {}, {}, {}
    with acting_as(user):
        for what, (kind, produce, shows_records) in every_output(
                session, db, unit, planted, tmp_path).items():
            action = outputs.OUTPUTS[kind].action
            before = audit_count(session, action, kind)
            files_before = set(tmp_path.iterdir())
            allowed = role is not None and outputs.allowed(role, kind)
            if not allowed:
                with pytest.raises(PermissionDenied):
                    produce()
                session.rollback()
                refused.append(what)
                assert set(tmp_path.iterdir()) == files_before, what  # no file, not half
                assert audit_count(session, action, kind) == before, what
                continue
            text = produce()
            session.commit()  # what the door wrote stays
            audited[what] = audit_count(session, action, kind) - before
            if shows_records:  # the output does carry the records, blotted or not
                assert any(m in fold(text) for m in MARKERS), (what, text[:300])
            shown = found(text)
            if cleared and shows_records:
                if shown != {"name", "id", "phone"}:
                    missing[what] = sorted({"name", "id", "phone"} - shown)
            elif shown or found(text, address=True):
                leaked[what] = sorted(found(text, address=True))
    assert leaked == {}
    assert missing == {}
    assert set(audited.values()) <= {1}, audited
    if role is None:
        assert len(refused) == len(audited) + len(refused)  # nothing leaves for nobody
    else:
        expected = sorted(what for what, (kind, *_r) in every_output(
            session, db, unit, planted, tmp_path).items() if not outputs.allowed(role, kind))
        assert sorted(refused) == expected
    if role == ADMINISTRATOR:
        assert "logbook xlsx" in refused and "report xlsx" in refused  # as the PDF is


@pytest.mark.parametrize("role", [CLERK, OFFICE_HEAD])
def test_the_audit_entry_names_the_output_its_scope_and_the_user(session, unit, people,
                                                                 planted, tmp_path, role):
    with acting_as(people[role]):
        outputs.print_logbook(session, unit.id, HELD_ON, TODAY, tmp_path / "so.pdf")
    session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "print",
                                                     AuditEntry.record_kind == "logbook")
                            .order_by(AuditEntry.seq.desc())).first()
    detail = json.loads(entry.detail)
    assert entry.username == people[role].username
    assert detail["file"] == "so.pdf"
    assert detail["from"] == HELD_ON.isoformat() and detail["to"] == TODAY.isoformat()
    assert entry.unit_id == unit.id


def test_a_failed_render_leaves_no_file_and_keeps_the_old_one(session, unit, people, planted,
                                                             tmp_path, monkeypatch):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "so.pdf"
    target.write_bytes(b"the earlier book")

    def broken(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("receptiondesk.documents.logbook.render_logbook", broken)
    with acting_as(people[CLERK]), pytest.raises(RuntimeError):
        outputs.print_logbook(session, unit.id, None, None, target)
    assert target.read_bytes() == b"the earlier book"
    assert sorted(p.name for p in folder.iterdir()) == ["so.pdf"]


# --- the GUI: the Reports page's print and Save Excel, the lists ---------------------------


@pytest.fixture
def signed_in():
    """The GUI's worker threads act as the process-wide user (accounts.sign_in)."""
    from receptiondesk.services.accounts import sign_in, sign_out

    yield sign_in
    sign_out()


@pytest.fixture
def reports_page(qtbot, db, session, unit, official, planted, monkeypatch, tmp_path):
    from receptiondesk.documents import fonts
    from receptiondesk.ui.context import AppContext
    from receptiondesk.ui.reports import ReportsPage

    monkeypatch.setenv("RECEPTIONDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv(fonts.BUNDLED_ONLY_ENV, "1")
    monkeypatch.setattr("receptiondesk.ui.forms.confirm_discard", lambda _parent: True)
    session.commit()
    page = ReportsPage(AppContext(db, unit.id, official_id=official.id))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    yield page
    from receptiondesk.ui.worker import wait_for_background

    wait_for_background()


def _choose(page, code: str) -> None:
    index = page.document.findData(code)
    assert index >= 0, code
    page.document.setCurrentIndex(index)


def _log_period(page) -> None:
    page.period.set_preset("custom")
    page.period.date_from.setDate(page.period.date_from.date().addDays(-60))
    page.period.date_to.setDate(page.period.date_to.date().addDays(30))


@pytest.mark.parametrize("role", ROLES)
def test_the_reports_page_prints_and_saves_excel_through_the_door(
        qtbot, session, people, planted, reports_page, signed_in, tmp_path, monkeypatch, role):
    from PySide6.QtWidgets import QDialog, QFileDialog

    signed_in(people[role])
    page = reports_page
    allowed = outputs.allowed(role, "logbook")
    assert allowed == outputs.allowed(role, "logbook_xlsx")  # one permission for both
    cleared = role in CLEARED_ROLES
    results: dict[str, str] = {}

    # print: the preview is produced through the door, then sent to a (stubbed) printer
    _choose(page, "logbook")
    _log_period(page)
    printed = tmp_path / "printed.pdf"

    class Accepting:
        def __init__(self, printer) -> None:
            printer.setOutputFormat(printer.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))

        def setMinMax(self, _low, _high) -> None:  # noqa: N802 - Qt API
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(page, "make_print_dialog", Accepting)
    before = audit_count(session, "print", "logbook")
    with qtbot.waitSignal(page.job_finished, timeout=60_000):
        page.print_document()
    session.commit()  # a fresh snapshot: the page wrote in its own sessions
    if allowed:
        results["print"] = pdf_text(printed)
        assert audit_count(session, "print", "logbook") == before + 1
    else:
        assert not printed.exists() and "may not" in page.message_text()
        assert audit_count(session, "print", "logbook") == before

    # Save Excel of the log book and of the periodic report: the same permission
    for code, name, kind in (("logbook", "so.xlsx", "logbook_xlsx"),
                             ("periodic", "bc.xlsx", "periodic_report")):
        _choose(page, code)
        if code == "logbook":
            _log_period(page)
        else:
            page.period.set_preset("year")
        target = tmp_path / name
        monkeypatch.setattr(QFileDialog, "getSaveFileName",
                            staticmethod(lambda *_a, t=target: (str(t), "")))
        before = audit_count(session, "print", kind)
        with qtbot.waitSignal(page.job_finished, timeout=60_000):
            page.save_excel()
        session.commit()  # a fresh snapshot: the page wrote in its own sessions
        if allowed:
            assert target.exists(), page.message_text()
            results[f"excel {code}"] = xlsx_text(target)
            assert audit_count(session, "print", kind) == before + 1
        else:
            assert not target.exists() and "may not" in page.message_text()
            assert audit_count(session, "print", kind) == before
    if allowed:
        shown = found(results["print"]) | found(results["excel logbook"])
        assert (shown == {"name", "id", "phone"}) if cleared else shown == set()
        assert found(results["excel periodic"]) == set()  # figures only


@pytest.mark.parametrize("role", ROLES)
def test_the_gui_lists_and_details_blot_the_denouncer_out(session, people, planted, role):
    from receptiondesk.ui import petition_detail, petition_rows
    from receptiondesk.ui import reception as reception_page
    from receptiondesk.ui.meetings import meeting_row
    from receptiondesk.ui.petition_forms import field_names
    from receptiondesk.ui.search_dialog import hit_row

    with acting_as(people[role]):
        names = field_names(session)
        shield = outputs.protection.shield(session)
        rows = petitions.list_petitions(session)
        texts = [repr([petition_rows.petition_row(p, TODAY, names, shield).cells
                       for p in rows])]
        texts += [repr(petition_detail.load_view(session, p.id, TODAY)) for p in rows]
        visits = reception.list_visits(session)
        denounced = reception_page.visits_shown(session, visits, "test")
        texts.append(repr([reception_page.visit_row(v, names, v.id in denounced, shield).cells
                           for v in visits]))
        texts.append(repr([hit_row(h, "tố cáo")
                           for h in outputs.search_listing(session, "tố cáo")]))
        texts.append(repr([meeting_row(m, shield).cells
                           for m in meetings.list_meetings(session)]))
        shown = found(" ".join(texts))
    if role in CLEARED_ROLES:
        assert shown == {"name", "id", "phone"}
    else:
        assert shown == set() and found(" ".join(texts), address=True) == set()


@pytest.mark.parametrize("role", ROLES)
def test_a_protected_person_ordinary_complaint_and_its_scan(session, people, planted, role):
    """The denouncer's own complaint (no denunciation) shows them to cleared roles only,
    in the list, the details, and its scanned letter."""
    from receptiondesk.ui import petition_detail, petition_rows
    from receptiondesk.ui.petition_forms import field_names

    with acting_as(people[role]):
        own = planted["own"]
        row = petition_rows.petition_row(own, TODAY, field_names(session),
                                          outputs.protection.shield(session))
        view = petition_detail.load_view(session, own.id, TODAY)
        text = repr(row.cells) + repr(view)
        if role in CLEARED_ROLES:
            assert found(text, address=True) >= {"name", "id", "address"}
            assert attachments.attachment_data(session, planted["own_scan"].id) == PNG
        else:
            assert found(text, address=True) == set()
            assert "Khiếu nại việc thu hồi đất" in text
            with pytest.raises(PermissionDenied):
                attachments.attachment_data(session, planted["own_scan"].id)


def test_the_national_export_blots_a_denouncer_out_of_another_petition(session, unit, people,
                                                                      planted, tmp_path):
    """The national export's scrubber is the one protection: the complaint of Lò Thị Mai,
    whose content names the denouncer as a witness, leaves without them."""
    from receptiondesk.exchange.national import default_scope

    with acting_as(people[OFFICE_HEAD]):
        outputs.export_national(session, tmp_path / "qg.json", default_scope(session, unit.id),
                                allow_unmapped=True)
    records = json.loads((tmp_path / "qg.json").read_text("utf-8"))["records"]
    complaint = next(r for r in records if r["record_id"] == planted["complaint"].id)
    assert complaint["petitioner_name"] == "Lò Thị Mai"
    assert "Khiếu nại cấp giấy chứng nhận" in complaint["content_summary"]
    assert found(json.dumps(records, ensure_ascii=False)) == set()


def test_an_export_refused_for_its_codes_writes_nothing_and_is_not_audited(
        session, unit, people, planted, tmp_path):
    """The unit has no national code yet: the export stops before the door opens."""
    from receptiondesk.exchange.national import UnmappedCodesError, default_scope

    with acting_as(people[CLERK]), pytest.raises(UnmappedCodesError):
        outputs.export_national(session, tmp_path / "qg.xlsx", default_scope(session, unit.id))
    assert not (tmp_path / "qg.xlsx").exists()
    assert audit_count(session, "export", "national") == 0
