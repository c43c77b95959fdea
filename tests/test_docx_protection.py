"""A Word copy protects a denouncer as the PDF does (issue 19, point 2; DESIGN §4).

The records of ``test_denouncer_protection`` (a denouncer who came to a reception session
and wrote by post); every document that can name them is saved as ``.docx`` by a role not
cleared, and the identity is in none of them; a cleared role's log book shows it (the view
audited), while the copy for the verifiers withholds it whoever saves it."""

from __future__ import annotations

import json

import pytest
import test_denouncer_protection as protection_tests
from docx import Document
from sqlalchemy import select
from test_denouncer_protection import NAME, TODAY, leaks

from receptiondesk.documents.notices import HandedIn
from receptiondesk.model import AuditEntry
from receptiondesk.services import outputs
from receptiondesk.services.accounts import CLERK, INSPECTOR, OFFICE_HEAD, acting_as

planted = protection_tests.planted


def docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return " ".join(parts)


def every_word_copy(session, unit, planted, tmp_path) -> dict[str, str]:
    from receptiondesk.reports.periodic import periodic_report
    from receptiondesk.reports.periods import custom_period

    out: dict[str, str] = {}
    citizen_id = planted["visit"].citizen_id
    outputs.print_logbook(session, unit.id, None, None, tmp_path / "so.docx", lang="vi")
    out["log book"] = docx_text(tmp_path / "so.docx")
    outputs.print_minutes(session, planted["minutes"].id, tmp_path / "bb.docx", lang="vi")
    out["minutes"] = docx_text(tmp_path / "bb.docx")
    for key in ("by_visit", "by_post"):
        outputs.print_verifier_copy(session, planted[key].id, tmp_path / "v.docx", lang="vi")
        out[f"verifier copy {key}"] = docx_text(tmp_path / "v.docx")
    outputs.print_slip(session, unit.id, citizen_id, TODAY, "Bổ sung tài liệu",
                       tmp_path / "hen.docx", lang="vi", issued_on=TODAY)
    out["slip"] = docx_text(tmp_path / "hen.docx")
    outputs.print_receipt(session, unit.id, citizen_id, [HandedIn("Đơn tố cáo", 1)],
                          tmp_path / "bn.docx", lang="vi", received_on=TODAY)
    out["receipt"] = docx_text(tmp_path / "bn.docx")
    report = periodic_report(session, unit.id, custom_period(TODAY.replace(day=1, month=1),
                                                             TODAY), TODAY)
    outputs.write_report(session, report, "docx", tmp_path / "bc.docx", lang="vi",
                         narrative={"situation": f"Ông {NAME} tố cáo cán bộ địa chính."})
    out["report"] = docx_text(tmp_path / "bc.docx")
    return out


@pytest.mark.parametrize("role", [CLERK, INSPECTOR])
def test_no_word_copy_shows_the_denouncer_to_an_uncleared_role(session, unit, people,
                                                               planted, tmp_path, role):
    with acting_as(people[role]):
        produced = every_word_copy(session, unit, planted, tmp_path)
    assert {what: leaks(text) for what, text in produced.items() if leaks(text)} == {}
    assert "(được bảo mật)" in produced["slip"] and "(được bảo mật)" in produced["receipt"]
    assert "Lò Thị Mai" in produced["log book"]  # the others are named
    assert "tố cáo cán bộ địa chính" in produced["report"]  # the narrative, blotted
    assert not session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view")).all()
    printed = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
    assert len(printed) == 7
    assert {json.loads(e.detail)["format"] for e in printed} == {"docx"}


def test_a_cleared_role_sees_the_denouncer_in_the_log_book_not_in_the_verifier_copy(
        session, unit, people, planted, tmp_path):
    with acting_as(people[OFFICE_HEAD]):
        outputs.print_logbook(session, unit.id, None, None, tmp_path / "so.docx", lang="vi")
        outputs.print_verifier_copy(session, planted["by_post"].id, tmp_path / "v.docx",
                                    lang="vi")
    assert NAME in docx_text(tmp_path / "so.docx")
    assert leaks(docx_text(tmp_path / "v.docx")) == []
    views = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "identity_view")).all()
    assert ("visit", planted["visit"].id) in {(v.record_kind, v.record_id) for v in views}
