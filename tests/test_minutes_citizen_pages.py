"""What a citizen signs shows only that citizen (issue 15, point 10).

A session with four visits: An alone (whose account names Bình), Bình and Cúc together,
a denouncer, and a delegation of twelve represented by Dũng. The office's copy lists
everyone; the citizens' signature pages give each signer a page of their own, and the
text of every page is read back and searched for every other person's name, ID number,
address and phone.
"""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from pypdf import PdfReader

from receptiondesk.documents import fonts
from receptiondesk.services import citizens, outputs, reception
from receptiondesk.services import minutes as minutes_service
from receptiondesk.services.accounts import CLERK, OFFICE_HEAD, acting_as
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import ValidationError
from receptiondesk.text import fold

TODAY = date(2026, 3, 20)
HELD_ON = date(2026, 2, 5)

#: every citizen's identifying details (name, ID number, address, phone)
AN = ("Nguyễn Văn An", "011068001234", "Thôn Bản Phăng Trên", "0987000111")
BINH = ("Trần Văn Bình", "011070005678", "Bản Co Mận Dưới", "0987000222")
CUC = ("Lê Thị Cúc", "011072009012", "Bản Nà Nhạn Giữa", "0987000333")
BI = ("Hoàng Văn Bí", "012345678901", "Bản Ẩn Mật Xa", "0912345678")
DUNG = ("Đinh Văn Dũng", "011065003456", "Bản Tọ Cuối", "0987000444")
EVERYONE = {"An": AN, "Binh": BINH, "Cuc": CUC, "Bi": BI, "Dung": DUNG}


@pytest.fixture(autouse=True)
def bundled_font(monkeypatch):
    monkeypatch.setenv(fonts.BUNDLED_ONLY_ENV, "1")


def pages_of(path) -> list[str]:
    return [" ".join((p.extract_text() or "").split())
            for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def shown(text: str) -> set[str]:
    """Whose details are on a page: any of their name, ID number, address or phone."""
    folded = fold(text)
    return {who for who, details in EVERYONE.items()
            if any(d in text or fold(d) in folded for d in details)}


def _citizen(session, unit, details) -> str:
    name, id_number, address, phone = details
    return citizens.create_citizen(session, unit.id, CitizenInput(
        name, 1970, "male", id_number, address, phone), today=TODAY).id


@pytest.fixture
def minutes_id(session, unit, official, clerk, people):
    with acting_as(people[CLERK]):
        an, binh, cuc, bi, dung = (_citizen(session, unit, d)
                                   for d in (AN, BINH, CUC, BI, DUNG))
        rs = reception.create_session(session, unit.id, reception.SessionInput(
            HELD_ON, place="Trụ sở Đảng ủy xã Mường Phăng", start_time=time(8),
            end_time=time(11), presiding_official_id=official.id,
            recorder_official_id=clerk.id), today=TODAY)
        reception.add_visit(session, rs.id, reception.VisitInput(
            "Tranh chấp ranh giới đất với hộ ông Trần Văn Bình, số điện thoại 0987000222.",
            citizen_id=an, petition_type="recommendation", handling="guide",
            direction="Hướng dẫn hòa giải tại thôn."), today=TODAY)
        reception.add_visit(session, rs.id, reception.VisitInput(
            "Khiếu nại việc cấp giấy chứng nhận cho hộ liền kề.", citizen_id=binh,
            attendee_ids=[cuc], petition_type="complaint",
            direction="Tiếp nhận đơn, xem xét theo quy định."), today=TODAY)
        denounced = reception.add_visit(session, rs.id, reception.VisitInput(
            "Phản ánh cán bộ địa chính nhận tiền khi làm sổ đỏ.", citizen_id=bi,
            petition_type="reflection", direction="Tiếp nhận, xác minh."), today=TODAY)
        reception.register_petition_from_visit(session, denounced.id, "denunciation",
                                               today=TODAY)
        reception.add_visit(session, rs.id, reception.VisitInput(
            "Đề nghị sửa đường liên bản.", citizen_id=dung, head_count=12,
            representatives="Đinh Văn Dũng", petition_type="recommendation",
            direction="Ghi nhận, báo cáo Ủy ban nhân dân xã."), today=TODAY)
        m = minutes_service.minutes_for(session, "session", rs.id)
    session.commit()
    return m.id


def test_the_office_copy_keeps_the_full_list(session, people, minutes_id, tmp_path):
    out = tmp_path / "office.pdf"
    with acting_as(people[OFFICE_HEAD]):
        outputs.print_minutes(session, minutes_id, out, lang="vi")
    assert shown(" ".join(pages_of(out))) == set(EVERYONE)


@pytest.mark.parametrize("role", [OFFICE_HEAD, CLERK])
def test_each_citizen_signs_a_page_with_only_themselves_on_it(session, people, minutes_id,
                                                              tmp_path, role):
    out = tmp_path / "citizens.pdf"
    with acting_as(people[role]):
        count = outputs.print_minutes(session, minutes_id, out, lang="vi", copy="citizens")
    pages = pages_of(out)
    # An, Bình, Cúc, the denouncer, Dũng for the delegation: a page each
    assert count == len(pages) == 5
    on_page = [shown(p) for p in pages]
    cleared = role == OFFICE_HEAD
    # the denouncer is on their own page only, and only for a reader cleared for them
    assert on_page == [{"An"}, {"Binh"}, {"Cuc"}, {"Bi"} if cleared else set(), {"Dung"}]
    # An's page keeps what An said, with Bình's name and phone blotted out
    assert ("Tranh chấp ranh giới đất với hộ ông (được bảo mật), số điện thoại "
            "(được bảo mật)") in pages[0]
    for page in pages:
        assert "Lò Văn Khoa" in page and "Nguyễn Thị Hoa" in page  # the two officials
        assert "trang ký của công dân" in page.lower()
    assert "đoàn đông người" in pages[4].lower() and "12" in pages[4]
    if not cleared:
        assert "(được bảo mật)" in pages[3]
    # the pages belong to the same printed version as the office's copy
    version = minutes_service.version_state(session, minutes_id)
    assert all(f"mã kiểm tra {version.short_fingerprint}" in p for p in pages)


def test_the_page_a_signed_version_reprints_shows_only_its_citizen(
        session, people, minutes_id, tmp_path):
    with acting_as(people[OFFICE_HEAD]):
        minutes_service.mark_printed(session, minutes_id)
        out = tmp_path / "citizens.pdf"
        outputs.print_minutes(session, minutes_id, out, lang="vi", copy="citizens")
    assert [shown(p) for p in pages_of(out)] == [{"An"}, {"Binh"}, {"Cuc"}, {"Bi"}, {"Dung"}]


def test_an_unknown_copy_is_refused_naming_the_field(session, people, minutes_id, tmp_path):
    with acting_as(people[OFFICE_HEAD]), pytest.raises(ValidationError) as caught:
        outputs.print_minutes(session, minutes_id, tmp_path / "x.pdf", copy="everyone")
    assert caught.value.for_field("copy")
    assert not (tmp_path / "x.pdf").exists()


def test_the_citizens_pages_are_not_offered_as_a_word_copy(session, people, minutes_id,
                                                          tmp_path):
    """Each citizen signs the printed page: a Word copy of those pages is refused by name,
    and nothing is written (the office's copy may be saved as Word)."""
    with acting_as(people[OFFICE_HEAD]), pytest.raises(ValidationError) as caught:
        outputs.print_minutes(session, minutes_id, tmp_path / "x.docx", copy="citizens")
    assert "PDF only" in caught.value.for_field("format")
    assert not (tmp_path / "x.docx").exists()
    with acting_as(people[OFFICE_HEAD]):
        outputs.print_minutes(session, minutes_id, tmp_path / "office.docx", copy="office")
    assert (tmp_path / "office.docx").read_bytes()[:2] == b"PK"


def test_the_command_line_prints_the_citizens_pages(db, people, minutes_id, tmp_path, capsys):
    import argparse

    from receptiondesk.cli.print_commands import add_print_parser, cmd_print

    parser = argparse.ArgumentParser(prog="receptiondesk")
    add_print_parser(parser.add_subparsers(dest="command"))
    out = tmp_path / "pages.pdf"
    args = parser.parse_args(["print", "minutes", "--minutes", minutes_id, "--copy",
                              "citizens", "--out", str(out), "--lang", "vi"])
    with acting_as(people[OFFICE_HEAD]):
        assert cmd_print(args, db) == 0
    assert "signature pages" in capsys.readouterr().out
    assert [shown(p) for p in pages_of(out)] == [{"An"}, {"Binh"}, {"Cuc"}, {"Bi"}, {"Dung"}]
    with pytest.raises(SystemExit):
        parser.parse_args(["print", "minutes", "--copy", "all", "--out", "x.pdf"])


def test_each_signature_page_is_numbered_from_its_own_first_page(tmp_path):
    """A long account runs onto a second page numbered 2; the next citizen's page starts
    again unnumbered, as a document's first page is (as in every document's layout)."""
    from receptiondesk.documents.layout import (
        DocumentHeader,
        Section,
        build_sections,
        para,
        styles,
    )

    st = styles("state")
    header = DocumentHeader("state", "Ủy ban nhân dân xã Mường Phăng", number="01/BB-UBND",
                            on=HELD_ON, place="Mường Phăng")
    long = [para(f"Đoạn {i}: " + "nội dung trình bày " * 30, st.body) for i in range(12)]
    out = tmp_path / "sections.pdf"
    count = build_sections(str(out), header, "Biên bản", [
        Section("Trang ký số 1", long), Section("Trang ký số 2", long[:1])])
    reader = PdfReader(str(out))
    assert count == len(reader.pages) >= 3
    firsts = [i for i, p in enumerate(reader.pages) if "Trang ký số" in p.extract_text()]
    assert len(firsts) == 2
    for i, page in enumerate(reader.pages):
        # the number is drawn once the page is laid out: the page's last text
        number = page.extract_text().strip().split("\n")[-1].strip()
        if i in firsts:
            assert not number.isdigit()
        else:
            assert number == str(i - max(f for f in firsts if f < i) + 1)


def test_an_addendum_gives_each_citizen_their_page_too(session, people, minutes_id, tmp_path):
    with acting_as(people[OFFICE_HEAD]):
        minutes_service.mark_printed(session, minutes_id)
        minutes_service.mark_signed(session, minutes_id)
        addendum = minutes_service.add_addendum(
            session, minutes_id, "Sửa năm sinh của ông Trần Văn Bình là 1971.")
        out = tmp_path / "addendum.pdf"
        outputs.print_minutes(session, addendum.id, out, lang="vi", copy="citizens")
    pages = pages_of(out)
    assert [shown(p) for p in pages] == [{"An"}, {"Binh"}, {"Cuc"}, {"Bi"}, {"Dung"}]
    assert all("BIÊN BẢN BỔ SUNG" in p for p in pages)
    # the correction names Bình: on his page in full, blotted out of the others'
    assert "Sửa năm sinh của ông Trần Văn Bình là 1971." in pages[1]
    assert "Sửa năm sinh của ông (được bảo mật) là 1971." in pages[0]
