"""Importing the files offices already keep: Vietnamese headers and codes, BOM, ';', XLSX."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from receptiondesk.exchange.importer import ImportCancelled, ImportFailed, import_file
from receptiondesk.model import (
    Base,
    Citizen,
    ConcludingNotice,
    Inspection,
    Petition,
    ReceptionSession,
    Visit,
    WorkingMeeting,
)

TODAY = date(2026, 3, 1)


def table_counts(session) -> dict[str, int]:
    return {t.name: session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables}


# An office's own log book (Form 03 titles), saved by Excel as "CSV UTF-8" with ';'
# (Excel's choice where the list separator is ';') and a BOM; no unit column: the
# rows belong to the home unit.
SO_TIEP_DAN = (
    "\ufeffSỔ THEO DÕI TIẾP CÔNG DÂN NĂM 2026;;;;;;;;;;;;;\n"
    "STT;Ngày tiếp;Người chủ trì;Họ và tên;Năm sinh;Giới tính;Số CCCD;Địa chỉ;Nội dung;"
    "Lĩnh vực;Loại đơn;Số người;Cơ quan đã giải quyết;Hướng xử lý;Theo dõi;Ghi chú\n"
    "1;15/01/2026;Lò Văn Khoa;Nguyễn Văn An;1968;Nam;011068001234;Bản Phăng;"
    "Khiếu nại về việc cấp giấy chứng nhận;Đất đai;Khiếu nại;1;UBND xã;Thụ lý;"
    "Hẹn 10 ngày;\n"
    "2;15/01/2026;Lò Văn Khoa;Lò Thị Bình;1975;Nữ;;Bản Co Khô;Đề nghị bồi thường;"
    "Bồi thường, hỗ trợ, tái định cư;Kiến nghị;1;;Hướng dẫn;;\n"
    "3;5/2/2026;Lò Văn Khoa;Quàng Văn Chung;;;;Bản Mới;Phản ánh ô nhiễm nguồn nước;"
    "Môi trường;Phản ánh;7;;Chuyển đơn;;Đoàn đông người\n"
)


def test_vietnamese_log_book_with_bom_semicolons_and_dd_mm_yyyy(session, unit, official,
                                                                tmp_path):
    path = tmp_path / "so-tiep-dan.csv"
    path.write_text(SO_TIEP_DAN, encoding="utf-8")
    report = import_file(session, "logbook", path, today=TODAY)
    assert report.created == {"sessions": 2, "citizens": 3, "visits": 3}
    assert report.ignored_columns == ["STT"]

    visits = list(session.scalars(select(Visit).order_by(Visit.visit_date, Visit.seq)))
    assert [(v.visit_date, v.field_code, v.petition_type, v.handling, v.head_count)
            for v in visits] == [
        (date(2026, 1, 15), "land", "complaint", "accept", 1),
        (date(2026, 1, 15), "compensation", "recommendation", "guide", 1),
        (date(2026, 2, 5), "environment", "reflection", "forward", 7),
    ]
    assert all(v.unit_id == unit.id for v in visits)
    assert visits[2].is_delegation and visits[2].representatives == "Quàng Văn Chung"
    assert visits[0].previously_handled_by == "UBND xã"
    assert visits[0].follow_up == "Hẹn 10 ngày"
    an = session.get(Citizen, visits[0].citizen_id)
    assert (an.full_name, an.birth_year, an.gender, an.id_number) == (
        "Nguyễn Văn An", 1968, "male", "011068001234")
    sessions = list(session.scalars(select(ReceptionSession).order_by(
        ReceptionSession.session_date)))
    # no session_ref column: one session per day and presiding official, ref = the date
    assert [(s.ref, s.kind, s.presiding_official_id) for s in sessions] == [
        ("2026-01-15", "regular", official.id), ("2026-02-05", "regular", official.id)]


PETITIONS_VI = (
    "Số đơn,Ngày nhận đơn,Nguồn,Loại đơn,Lĩnh vực,Họ và tên,Số định danh,Địa chỉ,"
    "Số người ký,Nội dung,Hướng xử lý,Ngày xử lý,Trạng thái,Kết quả,Ngày có kết quả\n"
    "01/2026,05/01/2026,Qua bưu chính,Khiếu nại,Đất đai,Nguyễn Văn An,011068001234,"
    "Bản Phăng,1,Khiếu nại cấp giấy,Thụ lý,09/01/2026,Đã giải quyết,Đúng một phần,"
    "10/02/2026\n"
    "02/2026,06/01/2026,Trực tiếp,Tố cáo,\"Tham nhũng, tiêu cực, phẩm chất cán bộ\","
    "Vì Văn Dũng,,Bản Phăng,1,Tố cáo trưởng bản,Thụ lý,12/01/2026,Kết thúc,Đúng,"
    "20/02/2026\n"
    "03/2026,07/01/2026,Cơ quan khác chuyển đến,Kiến nghị,Chính sách,Lò Thị Bình,,"
    "Bản Co,1,Đề nghị chế độ hộ nghèo,Hướng dẫn,08/01/2026,,,\n"
    "04/2026,08/01/2026,Hòm thư góp ý,Phản ánh,Môi trường,,,,1,Phản ánh ô nhiễm,,,"
    "Tiếp nhận,,\n"
)


def test_vietnamese_petitions_codes_and_statuses(session, unit, tmp_path):
    path = tmp_path / "don.csv"
    path.write_text(PETITIONS_VI, encoding="utf-8")
    report = import_file(session, "petitions", path, today=TODAY)
    assert report.created["petitions"] == 4
    got = {p.ref: p for p in session.scalars(select(Petition))}
    assert (got["01/2026"].source_code, got["01/2026"].petition_type, got["01/2026"].field_code,
            got["01/2026"].status, got["01/2026"].result) == (
        "post", "complaint", "land", "resolved", "partly_correct")
    # "Đúng" on a denunciation is "founded"; "Kết thúc" closes it after the result
    assert (got["02/2026"].status, got["02/2026"].result, got["02/2026"].closed_date) == (
        "closed", "founded", date(2026, 2, 20))
    assert got["02/2026"].field_code == "corruption"
    # no status given: it follows from the handling
    assert (got["03/2026"].status, got["03/2026"].handling, got["03/2026"].source_code) == (
        "guided", "guide", "forwarded")
    assert got["04/2026"].status == "received" and got["04/2026"].anonymous


def test_xlsx_log_book_with_real_dates_and_numbers(session, unit, official, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["SỔ TIẾP CÔNG DÂN"])
    ws.append([])
    ws.append(["Mã đơn vị", "Mã buổi tiếp", "Ngày tiếp", "Loại buổi tiếp", "Người chủ trì",
               "Họ tên", "Năm sinh", "Số CCCD", "Địa chỉ", "Số người", "Nội dung", "Lĩnh vực",
               "Loại đơn", "Hướng xử lý"])
    # Excel keeps typed dates as dates and typed numbers as numbers (the ID number too,
    # losing its leading zero)
    ws.append(["DU-MP", 7, datetime(2026, 1, 15), "Định kỳ", "Lò Văn Khoa", "Nguyễn Văn An",
               1968, 11068001234, "Bản Phăng", 1, "Đề nghị cấp giấy", "Đất đai", "Kiến nghị",
               "Hướng dẫn"])
    ws.append(["DU-MP", 7, datetime(2026, 1, 15), None, None, "Lò Thị Bình", 1975.0, None,
               "Bản Co", 6.0, "Đoàn đông người", "Bồi thường", "Khiếu nại", "Thụ lý"])
    path = tmp_path / "so.xlsx"
    wb.save(path)
    report = import_file(session, "logbook", path, today=TODAY)
    assert report.created == {"sessions": 1, "citizens": 2, "visits": 2}
    s = session.scalar(select(ReceptionSession))
    assert (s.ref, s.session_date, s.kind) == ("7", date(2026, 1, 15), "regular")
    an = session.scalar(select(Citizen).where(Citizen.full_name == "Nguyễn Văn An"))
    assert an.id_number == "011068001234" and an.birth_year == 1968
    visits = list(session.scalars(select(Visit).order_by(Visit.seq)))
    assert [v.head_count for v in visits] == [1, 6]
    assert visits[1].is_delegation


def test_other_formats_with_vietnamese_headers(session, unit, official, tmp_path):
    meetings = tmp_path / "m.csv"
    meetings.write_text(
        "Số hiệu;Ngày họp;Hình thức;Chủ trì;Thành phần;Nội dung;Kết luận;Số thông báo\n"
        "LV-1;20/01/2026;Định kỳ;Lò Văn Khoa;Bí thư chi bộ;Làm việc quý I;Giải quyết dứt điểm;"
        "12-TB/ĐU\n", encoding="utf-8-sig")
    inspections = tmp_path / "k.csv"
    inspections.write_text(
        "Số hiệu\tNgày kiểm tra\tChủ thể\tLoại\tĐối tượng\tNội dung\tCó vi phạm\tKết luận\n"
        "KT-1\t25/01/2026\tỦy ban kiểm tra\tGiám sát\tChi bộ bản Phăng; Chi bộ bản Mới\t"
        "Giám sát tiếp dân\tCó\tCó thiếu sót\n", encoding="utf-8")
    units = tmp_path / "u.csv"
    units.write_text("Mã;Tên đơn vị;Cấp;Mã đơn vị cấp trên;Loại đơn vị;Địa danh;Vùng khó khăn\n"
                     "X-2;UBND xã Nà Nhạn;Xã;DU-MP;Ủy ban nhân dân;Nà Nhạn;Có\n",
                     encoding="utf-8")
    assert import_file(session, "meetings", meetings, today=TODAY).created == {
        "meetings": 1, "notices": 1}
    assert import_file(session, "inspections", inspections, today=TODAY).created == {
        "inspections": 1}
    assert import_file(session, "units", units, today=TODAY).created == {"units": 1}
    m = session.scalar(select(WorkingMeeting))
    assert (m.kind, m.chaired_by_id, m.meeting_date) == ("regular", official.id,
                                                         date(2026, 1, 20))
    notice = session.scalar(select(ConcludingNotice))
    assert (notice.number, notice.issued_on, notice.signed_by_id) == (
        "12-TB/ĐU", date(2026, 1, 20), official.id)
    i = session.scalar(select(Inspection))
    assert (i.body, i.kind, i.organisation_count, i.violations_found) == (
        "inspection_committee", "supervision", 2, True)


def test_dry_run_checks_everything_and_writes_nothing(session, unit, official, tmp_path):
    path = tmp_path / "so.csv"
    path.write_text(SO_TIEP_DAN, encoding="utf-8")
    session.commit()
    before = table_counts(session)
    report = import_file(session, "logbook", path, today=TODAY, dry_run=True)
    assert report.created["visits"] == 3 and report.dry_run
    assert table_counts(session) == before
    # and the real import still works afterwards
    import_file(session, "logbook", path, today=TODAY)
    assert table_counts(session)["visits"] == before["visits"] + 3


def test_cancelling_writes_nothing(session, unit, official, tmp_path):
    path = tmp_path / "so.csv"
    path.write_text(SO_TIEP_DAN, encoding="utf-8")
    session.commit()
    before = table_counts(session)
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return done < 2  # cancel at the second row

    with pytest.raises(ImportCancelled):
        import_file(session, "logbook", path, today=TODAY, progress=progress)
    session.commit()
    assert table_counts(session) == before
    assert seen[-1] == (2, 3)


def test_a_failed_import_leaves_earlier_work_of_the_session_alone(session, unit, official,
                                                                  tmp_path):
    """The savepoint undoes the import only, not what the caller did before it."""
    good = tmp_path / "so.csv"
    good.write_text(SO_TIEP_DAN, encoding="utf-8")
    import_file(session, "logbook", good, today=TODAY)  # not committed yet
    bad = tmp_path / "bad.csv"
    bad.write_text("date,presiding_official,citizen_name,content\n"
                   "2026-01-20,Lò Văn Khoa,Cà Văn Hùng,Hỏi\n"
                   "2026-01-21,Lò Văn Khoa,Cà Văn Hùng,\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        import_file(session, "logbook", bad, today=TODAY)
    session.commit()
    assert session.scalar(select(func.count(Visit.id))) == 3


def test_citizens_are_reused_by_id_number_or_folded_name_and_address(session, unit, official,
                                                                     tmp_path):
    path = tmp_path / "l.csv"
    path.write_text(
        "session_ref,date,presiding_official,citizen_name,id_number,address,content\n"
        "A,2026-01-15,Lò Văn Khoa,Nguyễn Văn An,011068001234,Bản Phăng,Lần 1\n"
        "A,2026-01-15,Lò Văn Khoa,NGUYEN VAN AN,011068001234,,Lần 2\n"
        "B,2026-01-16,Lò Văn Khoa,Lò Thị Bình,,Bản Co Khô,Lần 1\n"
        "B,2026-01-16,Lò Văn Khoa,lo thi binh,,ban co kho,Lần 2\n"
        "B,2026-01-16,Lò Văn Khoa,Lò Thị Bình,,Bản Khác,Người khác cùng tên\n",
        encoding="utf-8")
    report = import_file(session, "logbook", path, today=TODAY)
    assert report.created["citizens"] == 3
    assert report.reused_citizens == 2


def test_the_caller_can_still_roll_back_a_successful_import(db, tmp_path):
    """The import's SAVEPOINT must not commit the caller's transaction (pysqlite)."""
    from receptiondesk.services import units

    with db.session() as s:  # the home unit, committed
        units.create_unit(s, units.UnitInput(code="DU-MP", name="Đảng ủy xã Mường Phăng",
                                             level="commune", kind="party"), home=True)
    path = tmp_path / "l.csv"
    path.write_text("date,presiding_official,citizen_name,content\n"
                    "2026-01-20,Lò Văn Khoa,Cà Văn Hùng,Hỏi\n", encoding="utf-8")
    s = db.sessions()
    s.scalar(select(func.count(Visit.id)))  # a read first: no BEGIN yet on pysqlite
    import_file(s, "logbook", path, today=TODAY)
    s.rollback()
    s.close()
    with db.session() as check:
        assert check.scalar(select(func.count(Visit.id))) == 0
