"""Denouncer protection (issue 6, item 2; DESIGN §4).

A denouncer's name, ID number, address and phone are planted in a denunciation
petition and in the visit that brought another one. Then every output the app has
is produced as a user NOT cleared for them — search (the service, the described
hits, the GUI's listing, the command line's JSON), the lists as the GUI builds
their rows, the detail views, the dashboard, the citizens directory and its
typeahead, the repeat finder, the exports of petitions and of the log book (CSV
and XLSX), the log book, the minutes, the verifier copy, an appointment slip and
the periodic report — and the identity is found in none of them. A cleared user
sees it, and each view writes an ``identity_view`` entry to the audit log.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from receptiondesk.model import AuditEntry, Petition
from receptiondesk.services import (
    attachments,
    audit,
    citizens,
    minutes,
    outputs,
    petitions,
    reception,
    repeats,
)
from receptiondesk.services.accounts import (
    CLERK,
    INSPECTOR,
    OFFICE_HEAD,
    RECEIVING_OFFICIAL,
    Actor,
    acting_as,
)
from receptiondesk.services.errors import PermissionDenied
from receptiondesk.services.protection import identity_visible
from receptiondesk.text import fold

TODAY = date(2026, 3, 2)
HELD_ON = date(2026, 2, 5)

NAME = "Hoàng Văn Bí"
ID_NUMBER = "012345678901"
ADDRESS = "Bản Ẩn Mật, xã Mường Phăng"
PHONE = "0912345678"
SECRETS = (NAME, ID_NUMBER, ADDRESS, PHONE, "Bản Ẩn Mật", "hoang van bi")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def leaks(output: object) -> list[str]:
    """The secrets found in ``output`` (any text; compared as written and folded)."""
    text = output if isinstance(output, str) else repr(output)
    folded = fold(text)
    return [s for s in SECRETS if s in text or fold(s) in folded]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def xlsx_text(path) -> str:
    wb = load_workbook(path, read_only=True)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)


@pytest.fixture
def planted(session, unit, official, clerk, people, tmp_path):
    """The clerk records a reception session where the denouncer came (the visit typed as a
    reflection; the petition registered from it a denunciation), a denunciation by post
    from the same person, and an ordinary complaint; a scan is kept with the petition."""
    with acting_as(people[CLERK]):
        rs = reception.create_session(session, unit.id, reception.SessionInput(
            HELD_ON, presiding_official_id=official.id, recorder_official_id=clerk.id,
            place="Trụ sở Đảng ủy"), today=TODAY)
        visit = reception.add_visit(session, rs.id, reception.VisitInput(
            "Phản ánh cán bộ địa chính nhận tiền của dân khi làm sổ đỏ",
            new_citizen=citizens.CitizenInput(NAME, 1975, "male", ID_NUMBER, ADDRESS, PHONE),
            petition_type="reflection", direction="Tiếp nhận, xác minh theo quy định."),
            today=TODAY)
        by_visit = reception.register_petition_from_visit(session, visit.id, "denunciation",
                                                          today=TODAY)
        other = reception.add_visit(session, rs.id, reception.VisitInput(
            "Khiếu nại việc cấp giấy chứng nhận cho hộ liền kề",
            new_citizen=citizens.CitizenInput("Lò Thị Mai", 1980, address="Bản Phăng"),
            petition_type="complaint"), today=TODAY)
        complaint = reception.register_petition_from_visit(session, other.id, today=TODAY)
        by_post = petitions.register_petition(session, unit.id, petitions.PetitionInput(
            date(2026, 2, 20), "denunciation", "Tố cáo chủ tịch xã lạm quyền thu tiền",
            source_code="post", ref="TC-02",
            petitioners=[petitions.PetitionerInput(NAME, ID_NUMBER, ADDRESS, PHONE)]),
            today=TODAY)
        scan = tmp_path / "don-to-cao-hoang-van-bi.png"
        scan.write_bytes(PNG)
        kept = attachments.add_attachment(session, unit.id, "petition", by_post.id, scan)
        m = minutes.minutes_for(session, "session", rs.id)
    session.commit()
    return {"session": rs, "visit": visit, "by_visit": by_visit, "by_post": by_post,
            "complaint": complaint, "scan": kept, "minutes": m, "other_visit": other}


def _as_uncleared_every_output(session, db, unit, planted, tmp_path, capsys) -> dict:
    """Every output of the app as the acting (uncleared) user: {what: text}."""
    from receptiondesk.cli import main
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.reports.periods import custom_period
    from receptiondesk.services.dashboard import dashboard_figures
    from receptiondesk.services.outputs import search_listing as list_hits
    from receptiondesk.services.search import search
    from receptiondesk.services.search_results import describe_hits
    from receptiondesk.ui import petition_detail, petition_rows
    from receptiondesk.ui import reception as reception_page
    from receptiondesk.ui.petition_forms import field_names
    from receptiondesk.ui.reception_forms.visit_form import _earlier
    from receptiondesk.ui.search_dialog import hit_row

    out: dict[str, str] = {}
    for query in (NAME, "hoang van bi", ID_NUMBER, "0123456789", PHONE, "Ẩn Mật"):
        out[f"search {query}"] = repr(search(session, query))
        out[f"hits {query}"] = repr(describe_hits(session, query))
        assert search(session, query) == [], query  # the hidden name finds nothing
    for query in ("nhận tiền", "lạm quyền", "to cao", "cán bộ"):
        found = describe_hits(session, query)
        out[f"hits {query}"] = json.dumps([r.as_dict() for r in found], ensure_ascii=False)
        listed = list_hits(session, query)
        out[f"listing {query}"] = repr(listed) + repr([hit_row(h, query) for h in listed])
    assert describe_hits(session, "lạm quyền") and list_hits(session, "nhận tiền")

    session.commit()  # the searches above are audited: the command line writes too
    for query in ("nhận tiền", NAME, ID_NUMBER):
        assert main(["--database-url", db.url, "--lang", "en", "search", query, "--json"]) == 0
        out[f"cli search {query}"] = capsys.readouterr().out
    assert "lạm quyền" in out["hits lạm quyền"]
    target = tmp_path / "verifier.pdf"
    assert main(["--database-url", db.url, "--lang", "vi", "print", "verifier",
                 "--petition", "TC-02", "--out", str(target)]) == 0
    capsys.readouterr()
    session.commit()  # the command line wrote (its print is audited): a fresh snapshot
    out["cli print verifier"] = pdf_text(target.read_bytes())
    assert "lạm quyền" in out["cli print verifier"]

    names = field_names(session)
    rows = petitions.list_petitions(session)
    assert len(rows) == 3
    out["petition rows"] = repr([petition_rows.petition_row(p, TODAY, names).cells
                                 for p in rows])
    for p in rows:
        view = petition_detail.load_view(session, p.id, TODAY)
        out[f"petition view {p.ref}"] = repr(view)
    visits = reception.list_visits(session)
    denounced = reception_page.visits_shown(session, visits, "test") \
        if hasattr(reception_page, "visits_shown") else set()
    out["visit rows"] = repr([reception_page.visit_row(v, names, v.id in denounced).cells
                              for v in visits])
    out["citizens"] = repr([(c.full_name, c.id_number, c.address)
                            for c in citizens.list_citizens(session)])
    out["typeahead"] = repr(citizens.find_citizens(session, "0123")
                            + citizens.find_citizens(session, "hoang"))
    assert citizens.count_citizens(session) == 1  # only Lò Thị Mai
    found = repeats.find_repeats(session, id_number=ID_NUMBER, full_name=NAME,
                                 address=ADDRESS, content="cán bộ nhận tiền lạm quyền")
    out["repeats"] = repr([_earlier(p) for p in found.same_citizen + found.similar_content])
    out["dashboard"] = repr(dashboard_figures(session, None, TODAY))

    for kind in ("petitions", "logbook"):
        for suffix in (".csv", ".xlsx"):
            target = tmp_path / f"{kind}{suffix}"
            assert outputs.export_table(session, kind, target) >= 2
            out[f"export {kind}{suffix}"] = (
                target.read_text(encoding="utf-8-sig") if suffix == ".csv"
                else xlsx_text(target))

    outputs.print_logbook(session, unit.id, None, None, tmp_path / "book.pdf", lang="vi")
    out["log book"] = pdf_text((tmp_path / "book.pdf").read_bytes())
    outputs.print_minutes(session, planted["minutes"].id, tmp_path / "bb.pdf", lang="vi")
    out["minutes"] = pdf_text((tmp_path / "bb.pdf").read_bytes())
    for key in ("by_visit", "by_post"):
        outputs.print_verifier_copy(session, planted[key].id, tmp_path / "v.pdf", lang="vi")
        out[f"verifier copy {key}"] = pdf_text((tmp_path / "v.pdf").read_bytes())
    outputs.print_slip(session, unit.id, planted["visit"].citizen_id, TODAY,
                       "Bổ sung tài liệu", tmp_path / "slip.pdf", lang="vi", issued_on=TODAY)
    out["slip"] = pdf_text((tmp_path / "slip.pdf").read_bytes())
    assert "(được bảo mật)" in out["slip"]
    report = periodic_report(session, unit.id, custom_period(date(2026, 1, 1), TODAY), TODAY)
    outputs.write_report(session, report, "json", tmp_path / "report.json")
    out["report json"] = (tmp_path / "report.json").read_text("utf-8")
    assert "Lò Thị Mai" in out["petition rows"]  # the outputs do carry identities…
    assert "Tố cáo chủ tịch xã lạm quyền" in out["verifier copy by_post"]
    return out


@pytest.mark.parametrize("role", [CLERK, INSPECTOR])
def test_no_output_shows_the_denouncer_to_an_uncleared_user(session, db, unit, people,
                                                           planted, tmp_path, capsys, role):
    with acting_as(people[role]):
        assert not identity_visible("denunciation")
        produced = _as_uncleared_every_output(session, db, unit, planted, tmp_path, capsys)
        found = {what: leaks(text) for what, text in produced.items() if leaks(text)}
        assert found == {}
        with pytest.raises(PermissionDenied):
            attachments.attachment_data(session, planted["scan"].id)
        with pytest.raises(PermissionDenied):
            outputs.export_table(session, "petitions", tmp_path / "all.csv",
                                 reveal_identity=True)
        with pytest.raises(PermissionDenied):
            audit.list_entries(session)
    assert len(produced) > 30
    # …and no identity was viewed
    assert not session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view")).all()


def test_with_no_one_signed_in_the_identity_is_hidden_too(session, db, unit, planted,
                                                          tmp_path, capsys):
    """The command line without --user on a database with accounts: refused, nothing shown
    (tests/test_cli_sign_in.py covers every such command)."""
    from receptiondesk.cli import main

    assert main(["--database-url", db.url, "--lang", "en", "search", "lạm quyền", "--json"]) == 1
    out, err = capsys.readouterr()
    assert "--user" in err and "TC-02" not in out and leaks(out + err) == []


def test_a_cleared_user_sees_the_identity_and_every_view_is_audited(
        session, unit, people, planted, tmp_path):
    from receptiondesk.services.search_results import describe_hits
    from receptiondesk.ui import petition_detail

    head = people[OFFICE_HEAD]
    with acting_as(head):
        assert identity_visible("denunciation") and identity_visible()
        view = petition_detail.load_view(session, planted["by_post"].id, TODAY)
        assert NAME in view.values["petitioners"] and ID_NUMBER in view.values["petitioners"]
        assert view.files[0][1] == "don-to-cao-hoang-van-bi.png"
        hits = describe_hits(session, "lạm quyền")
        assert any(NAME in h.title for h in hits)
        outputs.print_logbook(session, unit.id, None, None, tmp_path / "b.pdf", lang="vi")
        assert NAME in pdf_text((tmp_path / "b.pdf").read_bytes())
        assert outputs.export_table(session, "petitions", tmp_path / "p.csv",
                                    reveal_identity=True)
        assert NAME in (tmp_path / "p.csv").read_text(encoding="utf-8-sig")
        assert attachments.attachment_data(session, planted["scan"].id) == PNG
        # the verifier copy is redacted whoever prints it
        outputs.print_verifier_copy(session, planted["by_post"].id, tmp_path / "v.pdf",
                                    lang="vi")
        assert leaks(pdf_text((tmp_path / "v.pdf").read_bytes())) == []
    views = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view").order_by(AuditEntry.seq)).all()
    assert {v.username for v in views} == {"office-head"}
    where = [(v.record_kind, v.record_id, json.loads(v.detail)["where"]) for v in views]
    assert ("petition", planted["by_post"].id, "detail") in where
    # seen again in the search results of the same sign-in: not written twice
    assert ("petition", planted["by_post"].id, "search") not in where
    assert ("visit", planted["visit"].id, "logbook") in where
    assert ("attachment", planted["scan"].id, "file") in where
    export = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert json.loads(export[-1].detail)["reveal_identity"] is True
    assert audit.verify_chain(session) == []


def _views(session, record_id: str) -> list[AuditEntry]:
    return session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view", AuditEntry.record_id == record_id)
        .order_by(AuditEntry.seq)).all()


def test_what_a_person_saw_is_written_once_per_sign_in(db, session, unit, people, planted):
    """The office head opens the dashboard and the petition list again and again: one
    entry per denunciation seen in that sign-in; signing in again starts afresh; each
    print is written."""
    from receptiondesk.services.dashboard import dashboard_figures
    from receptiondesk.services.protection import note_identity_views
    from receptiondesk.ui import petition_detail

    by_post = planted["by_post"]
    signed_in = Actor.of(people[OFFICE_HEAD])
    with acting_as(signed_in):
        for _render in range(3):
            with db.session() as s:
                dashboard_figures(s, [unit.id], TODAY + timedelta(days=60))
                listed = s.scalars(select(Petition)).all()
                note_identity_views(s, "petition", listed, "petition list")
        with db.session() as s:
            petition_detail.load_view(s, by_post.id, TODAY)
    with db.session() as s:
        seen = _views(s, by_post.id)
        assert len(seen) == 1 and seen[0].username == "office-head"
        # the entry says where, in the reader's language
        assert audit.describe_detail(seen[0].detail) in (
            "seen in: the dashboard's petitions needing attention",
            "seen in: the list of petitions")
    with acting_as(Actor.of(people[OFFICE_HEAD])):  # signed in again
        with db.session() as s:
            petition_detail.load_view(s, by_post.id, TODAY)
            petition_detail.load_view(s, by_post.id, TODAY)
    with db.session() as s:
        assert len(_views(s, by_post.id)) == 2
        assert audit.verify_chain(s) == []


def test_every_print_of_a_denouncer_is_written(db, session, unit, people, planted):
    from receptiondesk.documents.logbook import render_logbook

    with acting_as(Actor.of(people[OFFICE_HEAD])):
        for _print in range(2):
            with db.session() as s:
                render_logbook(s, unit.id, None, None, io.BytesIO(), lang="vi", cleared=True)
    with db.session() as s:
        printed = [json.loads(e.detail)["where"] for e in _views(s, planted["visit"].id)]
    assert printed == ["logbook", "logbook"]


def test_the_place_a_record_was_seen_is_worded_in_the_readers_language():
    from receptiondesk import i18n

    detail = json.dumps({"where": "dashboard"})
    assert audit.describe_detail(detail) == "seen in: the dashboard's petitions needing attention"
    i18n.set_language("vi")
    try:
        text = audit.describe_detail(detail)
    finally:
        i18n.set_language("en")
    assert text == "nơi xem: danh sách đơn cần chú ý ở trang tổng quan"
    assert "dashboard" not in text


def test_the_receiving_official_is_cleared_the_inspector_is_not(people):
    with acting_as(people[RECEIVING_OFFICIAL]):
        assert identity_visible("denunciation")
    with acting_as(people[INSPECTOR]):
        assert not identity_visible("denunciation") and identity_visible("complaint")


def test_a_denouncer_stays_out_of_the_shared_search_index(session, planted):
    from sqlalchemy import text

    if session.get_bind().dialect.name == "sqlite":  # the FTS5 index's own copy
        bodies = " ".join(session.scalars(text("SELECT body FROM search_index")))
        visit_bodies = " ".join(session.scalars(text(
            "SELECT body FROM search_index WHERE kind != 'citizen'")))
    else:  # PostgreSQL searches the folded columns themselves
        bodies = " ".join(session.scalars(text("SELECT search_text FROM citizens")))
        visit_bodies = " ".join(session.scalars(text(
            "SELECT search_text FROM visits UNION ALL SELECT search_text FROM petitions")))
    # the citizen's own directory entry is indexed (and hidden at query time); the
    # visits and petitions that carry the denunciation are not
    assert "hoang van bi" in bodies and leaks(visit_bodies) == []


def test_the_demo_database_protects_its_denouncers(tmp_path):
    """The demo is written in bulk, without the services: create_demo_accounts protects its
    denouncers, and then a clerk finds none of them."""
    from sqlalchemy import func

    from receptiondesk.demo import generate_demo
    from receptiondesk.model import Citizen, Petition, Petitioner, ProtectedCitizen
    from receptiondesk.services import accounts
    from receptiondesk.services.database import open_database
    from receptiondesk.services.search import search

    db = open_database(tmp_path / "demo.db")
    try:
        generate_demo(db, "small", seed=3)
        with db.session() as s:
            made = accounts.create_demo_accounts(s)
        assert {role for _u, role, _p in made} == set(accounts.ROLES)
        with db.session() as s:
            protected = s.scalar(select(func.count()).select_from(ProtectedCitizen))
            assert protected > 0
            denouncers = list(s.scalars(select(Citizen).where(Citizen.id.in_(
                select(Petitioner.citizen_id).join(Petition).where(
                    Petition.petition_type == "denunciation"))).limit(5)))
            assert denouncers
            clerk = accounts.user_by_name(s, "clerk")
            with acting_as(clerk):
                shown = {c.id for c in citizens.list_citizens(s, limit=100_000)}
                for person in denouncers:
                    assert person.id not in shown
                    hits = search(s, person.full_name, kinds=("citizen",))
                    assert person.id not in {h.record_id for h in hits}
            with acting_as(accounts.user_by_name(s, "head")):
                shown = {c.id for c in citizens.list_citizens(s, limit=100_000)}
                assert {p.id for p in denouncers} <= shown
    finally:
        db.close()
