"""A file with one bad row imports nothing; the error names the row, the column and why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from receptiondesk.exchange.importer import ImportFailed, RowError, import_file
from receptiondesk.model import Base

DATA = Path(__file__).parent / "data" / "exchange"
TODAY = date(2026, 3, 1)


def problems(info) -> str:
    """Every line of an ImportFailed, as the CLI prints them."""
    return "\n".join(info.value.lines())


def table_counts(session) -> dict[str, int]:
    """Rows in every table of the schema."""
    return {t.name: session.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables}


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(session, unit, official):
    """The home unit plus the sample units, committed."""
    import_file(session, "units", DATA / "units.csv", today=TODAY)
    session.commit()
    return session


PETITION_HEADER = ("unit_code,ref,received_date,source,type,field_code,petitioner_name,"
                   "id_number,address,signers,content,handling,handling_date,status,result,"
                   "result_date")
GOOD_PETITIONS = [
    "DU-MP,P-1,2026-01-05,post,complaint,land,Nguyễn Văn An,011068001234,Bản Phăng,1,"
    "Khiếu nại cấp giấy,accept,2026-01-09,resolved,correct,2026-02-01",
    "DU-MP,P-2,2026-01-06,reception,recommendation,,Lò Thị Bình,,Bản Co,1,Kiến nghị,,,,,",
]
LOG_HEADER = ("unit_code,session_ref,date,session_kind,presiding_official,citizen_name,"
              "birth_year,gender,id_number,address,head_count,content,field_code,petition_type,"
              "previously_handled_by,handling,follow_up,notes")
GOOD_LOG = [
    "DU-MP,S-1,2026-01-15,regular,Lò Văn Khoa,Nguyễn Văn An,1968,male,011068001234,Bản Phăng,"
    "1,Đề nghị cấp giấy,land,recommendation,,guide,,",
    "DU-MP,S-1,2026-01-15,,,Lò Thị Bình,1975,female,,Bản Co,1,Khiếu nại bồi thường,"
    "compensation,complaint,,accept,,",
]

# (kind, bad row, column named in the error, words of the reason)
BAD_ROWS = {
    "bad date": (
        "logbook",
        "DU-MP,S-2,31/02/2026,regular,Lò Văn Khoa,Cà Văn Hùng,,,,Bản Lĩnh,1,Hỏi đáp,,,,none,,",
        "date", "not a valid date"),
    "11-digit ID number": (
        "petitions",
        "DU-MP,P-3,2026-01-07,post,complaint,land,Cà Văn Hùng,01106800123,Bản Lĩnh,1,"
        "Khiếu nại,,,,,",
        "id_number", "12 digits"),
    "unknown petition type": (
        "petitions",
        "DU-MP,P-3,2026-01-07,post,khen thưởng,land,Cà Văn Hùng,,Bản Lĩnh,1,Khen,,,,,",
        "type", "not a known code"),
    "missing content": (
        "logbook",
        "DU-MP,S-2,2026-01-20,regular,Lò Văn Khoa,Cà Văn Hùng,,,,Bản Lĩnh,1,,,,,none,,",
        "content", "required"),
    "unknown unit_code": (
        "petitions",
        "XA-KHONG-CO,P-3,2026-01-07,post,complaint,land,Cà Văn Hùng,,Bản Lĩnh,1,Khiếu nại,,,,,",
        "unit_code", "does not exist"),
    "future date": (
        "petitions",
        "DU-MP,P-3,2026-03-02,post,complaint,land,Cà Văn Hùng,,Bản Lĩnh,1,Khiếu nại,,,,,",
        "received_date", "future"),
    "handling date before received (refused by the petitions service)": (
        "petitions",
        "DU-MP,P-3,2026-01-07,post,complaint,land,Cà Văn Hùng,,Bản Lĩnh,1,Khiếu nại,"
        "accept,2026-01-02,accepted,,",
        "handling_date", "earlier than"),
    "result of the wrong kind (refused by the petitions service)": (
        "petitions",
        "DU-MP,P-3,2026-01-07,post,complaint,land,Cà Văn Hùng,,Bản Lĩnh,1,Khiếu nại,"
        "accept,2026-01-08,resolved,unfounded,2026-01-20",
        "result", "not one of"),
    "status contradicting the handling": (
        "petitions",
        "DU-MP,P-3,2026-01-07,post,complaint,land,Cà Văn Hùng,,Bản Lĩnh,1,Khiếu nại,"
        "guide,2026-01-08,archived,,",
        "status", "does not follow"),
    "birth year out of range": (
        "logbook",
        "DU-MP,S-2,2026-01-20,regular,Lò Văn Khoa,Cà Văn Hùng,1850,,,Bản Lĩnh,1,Hỏi,,,,none,,",
        "birth_year", "between"),
    "delegation without representative (refused by the reception service)": (
        "logbook",
        "DU-MP,S-2,2026-01-20,regular,Lò Văn Khoa,,,,,,8,Đoàn đông người,,,,none,,",
        "citizen_name", "required"),
    "session without presiding official (refused by the reception service)": (
        "logbook",
        "DU-MP,S-2,2026-01-20,regular,,Cà Văn Hùng,,,,Bản Lĩnh,1,Hỏi,,,,none,,",
        "presiding_official", "presiding official"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS), ids=list(BAD_ROWS))
def test_one_bad_row_imports_nothing(loaded, tmp_path, case):
    kind, bad, column, reason = BAD_ROWS[case]
    header, good = (PETITION_HEADER, GOOD_PETITIONS) if kind == "petitions" else \
        (LOG_HEADER, GOOD_LOG)
    # the bad row sits between good ones: spreadsheet row 3
    path = _csv(tmp_path / f"{kind}.csv", header, [good[0], bad, good[1]])
    before = table_counts(loaded)
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, kind, path, today=TODAY)
    loaded.commit()
    assert table_counts(loaded) == before

    errors = info.value.errors
    assert errors, "no error reported"
    first = errors[0]
    assert isinstance(first, RowError)
    assert (first.row, first.column) == (3, column), errors
    assert reason in first.reason.lower() or reason in first.reason, first.reason
    assert str(first) == first.message == f"Row 3, column {column}: {first.reason}"
    assert all(e.row == 3 for e in errors), errors


def test_the_error_names_the_column_as_the_file_titles_it(loaded, tmp_path):
    path = tmp_path / "so.csv"
    path.write_text(
        "Ngày tiếp;Người chủ trì;Họ và tên;Số CCCD;Nội dung\n"
        "15/01/2026;Lò Văn Khoa;Nguyễn Văn An;0110680012345;Đề nghị\n",
        encoding="utf-8-sig",
    )
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "logbook", path, today=TODAY)
    assert str(info.value.errors[0]).startswith("Row 2, column Số CCCD: ")


def test_every_bad_row_is_listed(loaded, tmp_path):
    path = _csv(tmp_path / "p.csv", PETITION_HEADER, [
        GOOD_PETITIONS[0],
        "DU-MP,P-3,31/02/2026,post,complaint,land,A,,B,1,C,,,,,",
        "DU-MP,P-4,2026-01-07,post,nonsense,land,A,,B,1,,,,,,",
    ])
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "petitions", path, today=TODAY)
    found = {(e.row, e.column) for e in info.value.errors}
    assert {(3, "received_date"), (4, "type"), (4, "content")} <= found
    # a one-line summary, then one line per problem, ready for the CLI
    assert str(info.value) == ("The file was not imported because of 3 problems; nothing was "
                               "written.")
    assert len(info.value.lines()) == 3


def test_a_missing_column_is_reported_on_the_header_row(loaded, tmp_path):
    path = _csv(tmp_path / "p.csv", "unit_code,ref,received_date,content", ["DU-MP,1,2026-01-01,x"])
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "petitions", path, today=TODAY)
    assert info.value.errors[0].row == 1
    assert "type" in info.value.errors[0].reason


def test_duplicates_within_the_file(loaded, tmp_path):
    path = _csv(tmp_path / "p.csv", PETITION_HEADER, [GOOD_PETITIONS[0], GOOD_PETITIONS[0]])
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "petitions", path, today=TODAY)
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "ref")]
    assert "row 2" in info.value.errors[0].reason


@pytest.mark.parametrize("kind", ["units", "logbook", "petitions", "meetings", "inspections"])
def test_importing_the_same_file_twice_changes_nothing(session, unit, official, kind):
    if kind != "units":
        import_file(session, "units", DATA / "units.csv", today=TODAY)
    report = import_file(session, kind, DATA / f"{kind}.csv", today=TODAY)
    assert sum(report.created.values()) > 0
    session.commit()
    before = table_counts(session)
    with pytest.raises(ImportFailed) as info:
        import_file(session, kind, DATA / f"{kind}.csv", today=TODAY)
    session.commit()
    assert table_counts(session) == before
    messages = [e.reason for e in info.value.errors]
    assert messages and all("already in the database" in m for m in messages), messages
    # one error per record of the file (a log-book session is reported on its first row)
    assert len(messages) == {"units": 4, "logbook": 3, "petitions": 12, "meetings": 3,
                             "inspections": 3}[kind]


def test_rows_without_ref_are_recognised_on_a_second_import(loaded, tmp_path):
    path = _csv(tmp_path / "p.csv", PETITION_HEADER, [
        ",,2026-01-05,post,complaint,land,Nguyễn Văn An,,Bản Phăng,1,Khiếu nại cấp giấy,,,,,",
    ])
    import_file(loaded, "petitions", path, today=TODAY)
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "petitions", path, today=TODAY)
    assert "already in the database" in problems(info)

    log = _csv(tmp_path / "l.csv", "date,presiding_official,citizen_name,content",
               ["2026-01-15,Lò Văn Khoa,Nguyễn Văn An,Hỏi đáp"])
    import_file(loaded, "logbook", log, today=TODAY)
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "logbook", log, today=TODAY)
    assert "already in the database" in problems(info)


def test_units_parent_later_in_the_file_and_cycles(session, tmp_path):
    ok = _csv(tmp_path / "u.csv", "code,name,level,parent_code",
              ["X-1,Xã Một,commune,H-1", "H-1,Huyện Một,district,T-1", "T-1,Tỉnh Một,province,"])
    assert import_file(session, "units", ok, today=TODAY).created == {"units": 3}

    cycle = _csv(tmp_path / "c.csv", "code,name,level,parent_code",
                 ["A,Xã A,commune,B", "B,Xã B,commune,A"])
    before = table_counts(session)
    with pytest.raises(ImportFailed) as info:
        import_file(session, "units", cycle, today=TODAY)
    assert "cycle" in problems(info)
    assert table_counts(session) == before

    orphan = _csv(tmp_path / "o.csv", "code,name,level,parent_code", ["C,Xã C,commune,ZZZ"])
    with pytest.raises(ImportFailed) as info:
        import_file(session, "units", orphan, today=TODAY)
    assert (info.value.errors[0].row, info.value.errors[0].column) == (2, "parent_code")


def test_rows_of_one_session_must_share_the_date(loaded, tmp_path):
    path = _csv(tmp_path / "l.csv", LOG_HEADER, [
        GOOD_LOG[0], GOOD_LOG[1].replace("2026-01-15", "2026-01-16"),
    ])
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "logbook", path, today=TODAY)
    assert (info.value.errors[0].row, info.value.errors[0].column) == (3, "date")


def test_unknown_kind_and_missing_file(loaded, tmp_path):
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "budgets", tmp_path / "x.csv", today=TODAY)
    assert problems(info).startswith("Unknown kind")
    with pytest.raises(ImportFailed) as info:
        import_file(loaded, "logbook", tmp_path / "missing.csv", today=TODAY)
    assert "does not exist" in problems(info)
    assert str(info.value) == ("The file was not imported because of 1 problem; nothing was "
                               "written.")
