"""Reading CSV and XLSX tables, and the value parsers of the interchange formats (DESIGN §8).

* :func:`read_table` reads a CSV (UTF-8 with or without BOM; ``,`` ``;`` or tab,
  sniffed) or an XLSX (first sheet) into rows keyed by the format's English
  column keys. Headers may be the English keys or the Vietnamese titles an
  office already uses; they are matched with case and diacritics folded
  (:func:`receptiondesk.text.fold`). Every row keeps its spreadsheet row number.
* :func:`parse_date`, :func:`parse_int`, :func:`parse_yes_no` and
  :func:`parse_code` turn cell text into values, raising :class:`ValueProblem`
  with a translated reason.

Bounds (issue 16): a file is refused, with a message, when it is larger than
:data:`MAX_FILE_BYTES`, holds more than :data:`MAX_ROWS` rows, a cell longer than
:data:`MAX_CELL_CHARS` characters, or (XLSX) a part that unpacks to more than
:data:`MAX_XLSX_PART_BYTES` or a DTD (the XXE and "billion laughs" attacks; the XML is
also parsed by openpyxl through ``defusedxml``). Memory while reading is therefore
bounded by the limits, not by what a file claims: a CSV is decoded and split as it
is read, and only its cells are kept (measured: 237 MB at the peak, 150 MB kept, for
a 48 MB CSV of 100,000 rows of Vietnamese text); an XLSX, read row by row, takes its
shared strings (at most :data:`MAX_XLSX_PART_BYTES` of XML) and the cells of at most
:data:`MAX_ROWS` rows, each at most :data:`MAX_CELL_CHARS` characters.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from enum import StrEnum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import _, format_number
from ..model import Field, SourceEntry
from ..model.codes import (
    LABELS,
    Gender,
    Handling,
    InspectionBody,
    InspectionKind,
    Level,
    MeetingKind,
    PetitionType,
    Result,
    SessionKind,
    Source,
    Status,
    UnitKind,
    VisitHandling,
)
from ..services.errors import ServiceError
from ..services.validation import MAX_COUNT, TEXT_LENGTH
from ..text import fold, nfc
from .cells import FORMULA_LIKE

# --- the formats ------------------------------------------------------------------

#: The columns of each format, in the order they are written (DESIGN §8).
COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "level", "parent_code", "kind", "place_name", "remote_area"),
    "logbook": (
        "unit_code", "session_ref", "date", "session_kind", "presiding_official",
        "citizen_name", "birth_year", "gender", "id_number", "address", "head_count",
        "content", "field_code", "petition_type", "previously_handled_by", "handling",
        "follow_up", "notes",
    ),
    "petitions": (
        "unit_code", "ref", "received_date", "source", "type", "field_code",
        "petitioner_name", "id_number", "address", "signers", "content", "handling",
        "handling_date", "status", "result", "result_date",
    ),
    "meetings": (
        "unit_code", "ref", "date", "kind", "chaired_by", "participants", "content",
        "conclusions", "notice_number",
    ),
    "inspections": (
        "unit_code", "ref", "date", "body", "kind", "organisations", "members", "content",
        "violations_found", "conclusions",
    ),
}

#: Optional columns read on import beyond §8 (never written by the exporter).
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("parent_body_name", "national_code"),
    "logbook": ("place", "phone", "representatives", "direction"),
    "petitions": ("phone", "handled_to", "decision_number"),
    "meetings": ("place", "notice_date"),
    "inspections": ("findings",),
}

#: Columns whose header must be present (values may still be checked row by row).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "name", "level"),
    "logbook": ("date", "content"),
    "petitions": ("received_date", "type", "content"),
    "meetings": ("date", "content"),
    "inspections": ("date", "content"),
}

#: Dates, for :func:`parse_date` and the XLSX writer.
DATE_COLUMNS = frozenset(
    {"date", "received_date", "handling_date", "result_date", "notice_date"}
)

# Vietnamese column titles (and English variants) per format. The English key
# itself is always accepted; these are the other titles an office may use.
_COMMON: dict[str, tuple[str, ...]] = {
    "unit_code": ("mã đơn vị", "đơn vị", "unit", "mã cơ quan", "cơ quan"),
    "ref": ("số", "số hiệu", "mã", "mã số", "số ký hiệu", "số tham chiếu", "reference"),
    "content": ("nội dung", "nội dung vụ việc", "tóm tắt nội dung", "nội dung chính"),
    "id_number": (
        "số cccd", "cccd", "số định danh", "số định danh cá nhân", "số cmnd", "cmnd",
        "số cmnd cccd", "cmnd cccd", "cccd cmnd", "số cccd cmnd", "số giấy tờ tùy thân",
        "số căn cước", "căn cước công dân", "số căn cước công dân", "id number",
    ),
    "address": ("địa chỉ", "nơi cư trú", "địa chỉ thường trú", "nơi ở", "chỗ ở"),
    "field_code": ("lĩnh vực", "field"),
    "handling": ("hướng xử lý", "xử lý", "hướng giải quyết", "kết quả xử lý"),
    "notes": ("ghi chú", "note"),
    "phone": ("số điện thoại", "điện thoại", "sđt"),
    "place": ("địa điểm", "nơi tiếp", "nơi họp"),
    "conclusions": ("kết luận", "nội dung kết luận"),
}

HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "units": {
        "code": ("mã", "mã đơn vị", "unit code"),
        "name": ("tên", "tên đơn vị", "tên cơ quan", "unit name"),
        "level": ("cấp", "cấp hành chính"),
        "parent_code": (
            "mã đơn vị cấp trên", "đơn vị cấp trên", "cấp trên", "mã cấp trên", "parent",
        ),
        "kind": ("loại", "loại đơn vị", "khối", "loại cơ quan"),
        "place_name": ("địa danh", "tên địa danh", "place"),
        "remote_area": (
            "vùng sâu vùng xa", "vùng khó khăn", "địa bàn khó khăn",
            "vùng sâu, vùng xa, vùng đặc biệt khó khăn", "remote",
        ),
        "parent_body_name": ("cơ quan cấp trên", "tên cơ quan cấp trên"),
        "national_code": ("mã quốc gia", "mã csdl quốc gia"),
    },
    "logbook": {
        "unit_code": _COMMON["unit_code"],
        "session_ref": (
            "mã buổi tiếp", "số buổi tiếp", "buổi tiếp", "mã buổi", "buổi", "session",
        ),
        "date": (
            "ngày", "ngày tiếp", "ngày tiếp công dân", "ngày tháng", "ngày tháng năm",
            "thời gian tiếp", "thời gian",
        ),
        "session_kind": (
            "loại buổi tiếp", "hình thức tiếp", "hình thức", "loại tiếp", "kind",
        ),
        "presiding_official": (
            "người chủ trì", "chủ trì", "người tiếp", "lãnh đạo tiếp", "người tiếp công dân",
            "cán bộ tiếp", "lãnh đạo chủ trì", "presiding",
        ),
        "citizen_name": (
            "họ và tên", "họ tên", "tên công dân", "họ tên công dân", "họ và tên công dân",
            "công dân", "người đến", "name", "citizen",
        ),
        "birth_year": ("năm sinh",),
        "gender": ("giới tính",),
        "id_number": _COMMON["id_number"],
        "address": _COMMON["address"],
        "head_count": (
            "số người", "số lượng người", "số lượng", "số người đến", "số lượt người",
        ),
        "content": _COMMON["content"],
        "field_code": _COMMON["field_code"],
        "petition_type": (
            "loại đơn", "phân loại", "phân loại đơn", "loại vụ việc", "loại", "type",
        ),
        "previously_handled_by": (
            "cơ quan đã giải quyết", "cơ quan đã giải quyết nếu có", "đã được giải quyết",
            "cơ quan tổ chức đã giải quyết", "đã giải quyết",
        ),
        "handling": _COMMON["handling"],
        "follow_up": (
            "theo dõi", "theo dõi kết quả", "theo dõi kết quả giải quyết", "theo dõi xử lý",
        ),
        "notes": _COMMON["notes"],
        "place": _COMMON["place"],
        "phone": _COMMON["phone"],
        "representatives": ("người đại diện", "đại diện"),
        "direction": ("ý kiến chỉ đạo", "chỉ đạo", "ý kiến trả lời", "trả lời"),
    },
    "petitions": {
        "unit_code": _COMMON["unit_code"],
        "ref": (*_COMMON["ref"], "số đơn", "số vào sổ", "mã đơn", "số hiệu đơn"),
        "received_date": (
            "ngày nhận", "ngày nhận đơn", "ngày tiếp nhận", "ngày", "ngày đến", "received",
        ),
        "source": ("nguồn", "nguồn đơn", "nguồn tiếp nhận", "nơi gửi đến"),
        "type": (
            "loại đơn", "phân loại", "phân loại đơn", "loại", "petition type",
            "petition_type",
        ),
        "field_code": _COMMON["field_code"],
        "petitioner_name": (
            "họ và tên", "họ tên", "người đứng đơn", "người gửi đơn", "tên người gửi",
            "họ tên người đứng đơn", "họ và tên người đứng đơn", "họ tên người gửi đơn",
            "người gửi", "petitioner",
        ),
        "id_number": _COMMON["id_number"],
        "address": _COMMON["address"],
        "signers": (
            "số người ký", "số người ký đơn", "số người đứng đơn", "số người ký tên",
        ),
        "content": _COMMON["content"],
        "handling": _COMMON["handling"],
        "handling_date": ("ngày xử lý", "ngày xử lý đơn"),
        "status": ("trạng thái", "tình trạng", "tình trạng giải quyết"),
        "result": ("kết quả", "kết quả giải quyết"),
        "result_date": ("ngày có kết quả", "ngày giải quyết", "ngày kết quả"),
        "phone": _COMMON["phone"],
        "handled_to": (
            "nơi chuyển đến", "chuyển đến", "cơ quan nhận", "cơ quan được chuyển đến",
            "hướng dẫn đến",
        ),
        "decision_number": ("số quyết định", "quyết định giải quyết"),
    },
    "meetings": {
        "unit_code": _COMMON["unit_code"],
        "ref": _COMMON["ref"],
        "date": ("ngày", "ngày họp", "ngày làm việc", "thời gian"),
        "kind": ("loại", "hình thức", "loại buổi làm việc"),
        "chaired_by": ("chủ trì", "người chủ trì", "đồng chí chủ trì"),
        "participants": ("thành phần", "thành phần tham dự", "người tham dự", "tham dự"),
        "content": _COMMON["content"],
        "conclusions": _COMMON["conclusions"],
        "notice_number": (
            "số thông báo", "số thông báo kết luận", "thông báo kết luận", "thông báo",
        ),
        "place": _COMMON["place"],
        "notice_date": ("ngày thông báo", "ngày ban hành thông báo"),
    },
    "inspections": {
        "unit_code": _COMMON["unit_code"],
        "ref": _COMMON["ref"],
        "date": ("ngày", "ngày kiểm tra", "ngày giám sát", "thời gian"),
        "body": (
            "chủ thể", "chủ thể kiểm tra", "cơ quan kiểm tra", "cơ quan thực hiện",
            "chủ thể kiểm tra giám sát", "đơn vị thực hiện",
        ),
        "kind": ("loại", "hình thức", "kiểm tra giám sát"),
        "organisations": (
            "đối tượng", "tổ chức", "tổ chức được kiểm tra", "đối tượng kiểm tra",
            "tổ chức đảng", "đối tượng kiểm tra giám sát", "organizations",
        ),
        "members": ("đảng viên", "cá nhân", "đảng viên được kiểm tra"),
        "content": _COMMON["content"],
        "violations_found": (
            "có vi phạm", "vi phạm", "phát hiện vi phạm", "có sai phạm",
        ),
        "conclusions": _COMMON["conclusions"],
        "findings": ("kết quả", "phát hiện", "kết quả kiểm tra"),
    },
}


def known_columns(kind: str) -> tuple[str, ...]:
    return COLUMNS[kind] + EXTRA_COLUMNS.get(kind, ())


@cache
def header_map(kind: str) -> dict[str, str]:
    """Folded header text → column key for one format (English keys win over titles)."""
    if kind not in COLUMNS:
        raise KeyError(kind)
    mapping: dict[str, str] = {}
    for key in known_columns(kind):
        mapping.setdefault(fold(key), key)
    for key, titles in HEADER_ALIASES[kind].items():
        for title in titles:
            mapping.setdefault(fold(title), key)
    return mapping


def match_header(kind: str, header: str) -> str | None:
    """The column key a header title stands for, or None when it is not one of the format's."""
    folded = fold(header)
    mapping = header_map(kind)
    found = mapping.get(folded)
    if found is None:
        # "Nội dung (tóm tắt)", "Ngày tiếp (dd/mm/yyyy)": drop a parenthesised note.
        trimmed = fold(re.sub(r"\(.*?\)|\[.*?\]", " ", header))
        found = mapping.get(trimmed)
    return found


# --- errors -----------------------------------------------------------------------


class TableError(ServiceError):
    """The file cannot be read as a table at all (format, encoding, empty)."""


class ValueProblem(ValueError):
    """A cell value that cannot be used; ``str()`` is the translated reason."""


# --- reading ----------------------------------------------------------------------


class TableRow(dict[str, str]):
    """One data row: column key → cell text, with its spreadsheet row number (header = 1)."""

    def __init__(self, row: int, values: dict[str, str]) -> None:
        super().__init__(values)
        self.row = row

    def get_text(self, key: str) -> str:
        return (self.get(key) or "").strip()


class Table(list[TableRow]):
    """The rows of a file, with what was learnt from its header row."""

    def __init__(self) -> None:
        super().__init__()
        self.header_row: int = 1
        #: column key → the header text as written in the file (for error messages)
        self.titles: dict[str, str] = {}
        #: header texts that are not columns of the format (ignored)
        self.ignored: list[str] = []
        #: (column key, the header titles mapping to it) when a column appears twice
        self.duplicates: list[tuple[str, list[str]]] = []

    def title(self, key: str) -> str:
        return self.titles.get(key, key)


RawRow = tuple[int, Sequence[object]]

#: the largest import file: an office's year of records is a few megabytes
MAX_FILE_BYTES = 50 * 1024 * 1024
#: rows of one file; a bigger import is split into several files
MAX_ROWS = 100_000
#: the longest cell: the longest text a form takes (a spreadsheet cell's own limit)
MAX_CELL_CHARS = TEXT_LENGTH
#: one part of an XLSX (a sheet, its shared strings) unpacked
MAX_XLSX_PART_BYTES = 200 * 1024 * 1024
#: the DTD that XXE and entity-expansion attacks need; a spreadsheet never has one
_DTD = (b"<!doctype", b"<!entity")


def read_table(path: str | Path, kind: str | None = None) -> Table:
    """Read a CSV or XLSX file.

    With ``kind`` (units, logbook, petitions, meetings, inspections) the header
    row is found among the first rows (the row naming most of the format's
    columns; title lines above it are skipped) and each row is keyed by the
    format's English column keys. Without ``kind`` the first non-empty row is
    the header and rows are keyed by the header texts as written.

    Cells are text: XLSX dates become ``YYYY-MM-DD``, whole numbers lose ``.0``.
    Empty rows are skipped (their numbers are not reused).
    """
    path = Path(path)
    raw = []
    for item in _raw_rows(path):
        raw.append(item)
        if len(raw) > MAX_ROWS + 1:  # the header row and MAX_ROWS rows of data
            raise TableError(_("The file {name} has more than {count} rows: split it into "
                               "several files.").format(name=path.name,
                                                        count=format_number(MAX_ROWS)))
    table = Table()
    if not raw:
        raise TableError(_("The file {name} is empty.").format(name=path.name))
    header_index = _find_header(raw, kind)
    header_row, header_cells = raw[header_index]
    table.header_row = header_row
    headers = [_text(c) for c in header_cells]
    positions: dict[str, int] = {}
    seen_titles: dict[str, list[str]] = {}
    for i, title in enumerate(headers):
        if not title:
            continue
        key = match_header(kind, title) if kind else title
        if key is None:
            table.ignored.append(title)
            continue
        seen_titles.setdefault(key, []).append(title)
        if key not in positions:
            positions[key] = i
            table.titles[key] = title
    table.duplicates = [(k, t) for k, t in seen_titles.items() if len(t) > 1]
    for number, cells in raw[header_index + 1:]:
        values = {}
        for key, i in positions.items():
            cell = cells[i] if i < len(cells) else None
            values[key] = _cell_text(cell, key)
            if len(values[key]) > MAX_CELL_CHARS:
                raise TableError(_too_long_cell(number, table.title(key), len(values[key])))
        if any(values.values()):
            table.append(TableRow(number, values))
    return table


def _too_long_cell(row: int, column: str, length: int) -> str:
    return _("Row {row}, column {column}: the cell holds {length} characters; a cell "
             "may hold at most {limit}.").format(
                 row=row, column=column, length=format_number(length),
                 limit=format_number(MAX_CELL_CHARS))


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(_("The file {name} is too large ({size} MB): an import file may "
                           "be at most {limit} MB; split it into several files.").format(
                               name=path.name, size=format_number(size / 2**20, 1),
                               limit=format_number(MAX_FILE_BYTES // 2**20)))


def _find_header(raw: list[RawRow], kind: str | None) -> int:
    """Index in ``raw`` of the header row: the one naming most of the format's columns."""
    if kind is None:
        return 0
    best, best_score = 0, 0
    for index, (_number, cells) in enumerate(raw[:15]):
        keys = {match_header(kind, _text(c)) for c in cells if _text(c)}
        keys.discard(None)
        if len(keys) > best_score:
            best, best_score = index, len(keys)
    return best


def _raw_rows(path: Path) -> Iterator[RawRow]:
    """(row number, cells) of every non-empty row."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(_("The file {name} does not exist.").format(name=str(path)))
    _check_size(path)
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        yield from _csv_rows(path)
    elif suffix == ".xls":
        raise TableError(
            _("Old Excel files (.xls) cannot be read: open the file in Excel and save it as "
              "an Excel workbook (.xlsx) or as CSV UTF-8.")
        )
    else:
        raise TableError(
            _("Cannot read {name}: use a CSV (.csv) or Excel (.xlsx) file.").format(
                name=path.name)
        )


def _csv_rows(path: Path) -> Iterator[RawRow]:
    """The rows of a CSV file, decoded and split as they are read (the file is never
    held whole in memory)."""
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    sample = head.decode("utf-8-sig", errors="ignore")
    if len(head) == _SNIFF_BYTES:  # the last line of a cut sample may be incomplete
        sample = sample[:sample.rfind("\n") + 1] or sample
    delimiter = sniff_delimiter(sample)
    number = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh, _cells_as_long_as_the_file():
            for number, cells in enumerate(csv.reader(fh, delimiter=delimiter), start=1):
                if any(c.strip() for c in cells):
                    yield number, cells
    except UnicodeDecodeError as exc:
        raise TableError(
            _("{name} is not UTF-8 text: in Excel choose \u201cSave as\u201d, "
              "\u201cCSV UTF-8 (comma delimited)\u201d.").format(name=path.name)
        ) from exc
    except csv.Error as exc:
        raise TableError(_("Row {row}: the file is not valid CSV ({reason}).").format(
            row=number + 1, reason=exc)) from exc


_SNIFF_BYTES = 65536


@contextmanager
def _cells_as_long_as_the_file() -> Iterator[None]:
    """The csv module stops at 128 KiB a cell with a bare ``_csv.Error``; let it read
    any cell of a file within :data:`MAX_FILE_BYTES`, and say which cell is too long."""
    saved = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(saved)


def sniff_delimiter(sample: str) -> str:
    """``,``, ``;`` or tab: the one that splits the first lines most consistently."""
    lines = sample.splitlines()[:30]
    if len(sample) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be incomplete
    best, best_score = ",", (-1, -1)
    for delimiter in (",", ";", "\t"):
        try:
            rows = [r for r in csv.reader(lines, delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        counts = [len(r) for r in rows if len(r) > 1]
        if not counts:
            continue
        widest = max(counts)
        # rows split into the same number of fields as the widest; then the width
        score = (sum(1 for c in counts if c == widest), widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _xlsx_rows(path: Path) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    _check_xlsx_parts(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or encrypted workbook, not a zip at all
        raise _unreadable(path, exc) from exc
    try:
        if not wb.worksheets:
            return
        ws = wb.worksheets[0]
        rows = enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet, or XML defusedxml refused
                raise _unreadable(path, exc) from exc
            values = list(cells)
            if any(_text(v) for v in values):
                yield number, values
    finally:
        wb.close()


def _unreadable(path: Path, exc: Exception) -> TableError:
    return TableError(
        _("Cannot read the Excel file {name}: {reason}").format(name=path.name, reason=exc))


def _check_xlsx_parts(path: Path) -> None:
    """Refuse, before openpyxl reads anything, a part that unpacks too large and XML
    with a DTD (entity expansion, external entities)."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.file_size > MAX_XLSX_PART_BYTES:
                    raise TableError(_(
                        "The Excel file {name} is refused: its part {part} unpacks to "
                        "{size} MB, more than {limit} MB.").format(
                            name=path.name, part=info.filename,
                            size=format_number(info.file_size / 2**20, 1),
                            limit=format_number(MAX_XLSX_PART_BYTES // 2**20)))
                if info.filename.lower().endswith((".xml", ".rels")) and _has_dtd(zf, info):
                    raise TableError(_(
                        "The Excel file {name} is refused: its part {part} declares XML "
                        "entities, which a spreadsheet never needs (a file made to attack "
                        "the program).").format(name=path.name, part=info.filename))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError) as exc:
        raise _unreadable(path, exc) from exc


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part holds a DTD, read 1 MB at a time (a DTD comes before the root
    element, but a crafted file may put it anywhere)."""
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            window = (tail + chunk).lower()
            if any(marker in window for marker in _DTD):
                return True
            tail = window[-16:]
    return False


def _text(value: object) -> str:
    return _cell_text(value, None)


def _cell_text(value: object, key: str | None) -> str:
    """Cell value as text: dates ISO, whole numbers without '.0', ID numbers with their zero."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        number = int(value)
        text = str(number)
        # Excel turns a typed ID number into a number and drops its leading zero
        # (every CCCD starts with a province code 001–096).
        if key == "id_number" and 9 <= len(text) < 12 and number > 0:
            text = text.zfill(12)
        return text
    text = nfc(str(value).replace("\r\n", "\n").strip())  # composed, however typed
    if text.startswith("'") and FORMULA_LIKE.match(text[1:]):
        # the writers' guard against spreadsheet formulas (see :mod:`.cells`)
        text = text[1:]
    return text


# --- value parsers ----------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_date(text: str | None) -> date | None:
    """``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``D/M/YYYY`` (also with ``-`` or ``.``); '' → None."""
    text = (text or "").strip()
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = _DMY.match(text)
        if not m:
            raise ValueProblem(
                _("\u201c{value}\u201d is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.")
                .format(value=text)
            )
        d, mo, y = (int(x) for x in m.groups())
    try:
        return date(y, mo, d)
    except ValueError as exc:
        raise ValueProblem(
            _("\u201c{value}\u201d is not a valid date (there is no such day).").format(
                value=text)
        ) from exc


def parse_int(text: str | None, minimum: int | None = None) -> int | None:
    """A whole number ('1.0' from a spreadsheet is accepted); '' → None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        number = float(text) if re.fullmatch(r"[+-]?\d+(?:\.0+)?", text) else None
    except ValueError:
        number = None
    if number is None:
        raise ValueProblem(
            _("\u201c{value}\u201d is not a whole number.").format(value=text)
        )
    value = int(number)
    if abs(value) > MAX_COUNT:
        raise ValueProblem(
            _("{value} is too large: at most {maximum}.").format(value=text, maximum=MAX_COUNT)
        )
    if minimum is not None and value < minimum:
        raise ValueProblem(
            _("{value} is too small: at least {minimum}.").format(value=value, minimum=minimum)
        )
    return value


_YES = frozenset(fold(x) for x in ("yes", "y", "true", "1", "x", "có", "c", "đúng", "co vi pham"))
_NO = frozenset(fold(x) for x in ("no", "n", "false", "0", "không", "k", "ko", "sai",
                                  "không vi phạm", "-"))


def parse_yes_no(text: str | None) -> bool | None:
    """yes/no in English or Vietnamese (có/không, x, 1/0); '' → None."""
    folded = fold(text)
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueProblem(
        _("\u201c{value}\u201d is not yes or no.").format(value=(text or "").strip())
    )


# --- codes ------------------------------------------------------------------------

# Vietnamese words offices write for the codes, beyond the catalog's labels.
_VI_ALIASES: dict[type[StrEnum], dict[str, tuple[str, ...]]] = {
    Level: {
        "province": ("tỉnh", "cấp tỉnh", "thành phố trực thuộc trung ương"),
        "district": ("huyện", "cấp huyện", "quận", "thị xã"),
        "commune": ("xã", "cấp xã", "phường", "thị trấn", "đặc khu"),
    },
    UnitKind: {
        "party": ("đảng ủy", "đảng", "cấp ủy", "đảng bộ", "khối đảng", "ban chấp hành đảng bộ"),
        "state": ("ủy ban nhân dân", "ubnd", "chính quyền", "nhà nước", "khối chính quyền"),
    },
    Gender: {
        "male": ("nam", "m", "trai"),
        "female": ("nữ", "f", "gái"),
        "other": ("khác",),
    },
    SessionKind: {
        "regular": ("định kỳ", "thường kỳ", "tiếp định kỳ"),
        "unscheduled": ("đột xuất", "tiếp đột xuất"),
        "routine": ("thường xuyên", "tiếp thường xuyên", "tiếp công dân thường xuyên"),
        "dialogue": ("đối thoại", "tiếp và đối thoại"),
    },
    PetitionType: {
        "complaint": ("khiếu nại", "đơn khiếu nại"),
        "denunciation": ("tố cáo", "đơn tố cáo"),
        "recommendation": ("kiến nghị", "đơn kiến nghị"),
        "reflection": ("phản ánh", "phản ảnh", "đơn phản ánh"),
        "mixed": ("nhiều nội dung", "hỗn hợp", "đơn có nhiều nội dung", "nội dung hỗn hợp"),
    },
    Source: {
        "reception": ("tiếp công dân", "qua tiếp công dân", "trực tiếp", "tại buổi tiếp"),
        "post": ("bưu chính", "qua bưu chính", "bưu điện", "qua bưu điện"),
        "forwarded": ("chuyển đến", "cơ quan khác chuyển đến", "do cơ quan khác chuyển đến",
                      "chuyển đơn đến"),
        "mailbox": ("hòm thư", "hộp thư", "hòm thư góp ý", "hộp thư góp ý"),
        "online": ("trực tuyến", "qua mạng", "cổng thông tin điện tử", "qua cổng thông tin"),
    },
    Handling: {
        "accept": ("thụ lý", "thụ lý giải quyết", "đã thụ lý", "nhận giải quyết"),
        "guide": ("hướng dẫn", "đã hướng dẫn", "hướng dẫn công dân", "trả lời hướng dẫn"),
        "forward": ("chuyển đơn", "chuyển", "đã chuyển đơn",
                    "chuyển đơn đến cơ quan có thẩm quyền", "chuyển cơ quan có thẩm quyền"),
        "urge": ("đôn đốc", "đôn đốc giải quyết"),
        "archive": ("lưu đơn", "lưu", "lưu hồ sơ", "xếp lưu"),
        "return": ("trả lại đơn", "trả lại", "trả đơn", "trả lại tài liệu"),
    },
    VisitHandling: {
        "accept": ("thụ lý", "thụ lý giải quyết", "tiếp nhận", "nhận đơn", "tiếp nhận đơn"),
        "guide": ("hướng dẫn", "trả lại đơn và hướng dẫn", "hướng dẫn trả lại đơn",
                  "giải thích hướng dẫn", "trả lời hướng dẫn"),
        "forward": ("chuyển đơn", "chuyển", "chuyển đơn đến cơ quan có thẩm quyền",
                    "chuyển cơ quan có thẩm quyền"),
        "none": ("không", "chưa", "chưa xử lý", "-"),
    },
    Status: {
        "received": ("tiếp nhận", "đã tiếp nhận", "mới nhận", "đã nhận", "mới"),
        "classified": ("đã phân loại", "phân loại"),
        "accepted": ("thụ lý", "đã thụ lý"),
        "in_resolution": ("đang giải quyết", "đang xử lý", "đang xác minh"),
        "resolved": ("đã giải quyết", "đã có kết quả", "có kết quả", "giải quyết xong"),
        "guided": ("đã hướng dẫn", "hướng dẫn"),
        "forwarded": ("đã chuyển", "đã chuyển đơn", "chuyển đơn", "đã đôn đốc"),
        "archived": ("đã lưu", "lưu đơn", "đã lưu đơn"),
        "returned": ("đã trả lại", "trả lại đơn", "đã trả lại đơn"),
        "closed": ("kết thúc", "đã kết thúc", "đóng", "hoàn thành", "đã đóng", "kết thúc hồ sơ"),
    },
    Result: {
        "correct": ("đúng", "khiếu nại đúng", "đúng toàn bộ", "khiếu nại đúng toàn bộ"),
        "incorrect": ("sai", "khiếu nại sai", "sai toàn bộ", "khiếu nại sai toàn bộ",
                      "không đúng"),
        "partly_correct": ("đúng một phần", "có đúng có sai", "khiếu nại đúng một phần",
                           "khiếu nại có đúng có sai"),
        "founded": ("tố cáo đúng", "có cơ sở", "tố cáo đúng toàn bộ"),
        "unfounded": ("tố cáo sai", "không có cơ sở", "tố cáo không đúng",
                      "tố cáo sai toàn bộ"),
        "partly_founded": ("tố cáo đúng một phần", "tố cáo có đúng có sai"),
        "withdrawn": ("rút đơn", "rút", "đã rút đơn", "rút khiếu nại", "rút tố cáo"),
    },
    MeetingKind: {
        "regular": ("định kỳ", "thường kỳ"),
        "unscheduled": ("đột xuất",),
    },
    InspectionKind: {
        "inspection": ("kiểm tra",),
        "supervision": ("giám sát",),
    },
    InspectionBody: {
        "standing_committee": ("ban thường vụ", "btv", "ban thường vụ đảng ủy",
                               "thường trực đảng ủy"),
        "executive_committee": ("ban chấp hành", "bch", "ban chấp hành đảng bộ"),
        "inspection_committee": ("ủy ban kiểm tra", "ubkt", "ủy ban kiểm tra đảng ủy"),
        "peoples_committee": ("ủy ban nhân dân", "ubnd"),
        "inspectorate": ("thanh tra", "cơ quan thanh tra"),
        "other": ("khác",),
    },
}

# Words offices use for the default fields and sources of the lookup tables.
_LOOKUP_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "field_code": {
        "land": ("đất đai", "lĩnh vực đất đai", "quản lý đất đai", "đất"),
        "compensation": ("bồi thường", "bồi thường hỗ trợ tái định cư", "đền bù",
                         "giải phóng mặt bằng", "bồi thường giải phóng mặt bằng", "thu hồi đất",
                         "tái định cư"),
        "housing": ("nhà ở", "tài sản", "nhà ở tài sản", "nhà cửa"),
        "social_policy": ("chính sách", "chế độ chính sách", "chính sách xã hội",
                          "chế độ chính sách xã hội"),
        "civil_service": ("công chức", "công vụ", "chế độ công chức", "công chức công vụ"),
        "justice": ("tư pháp", "tư pháp tố tụng"),
        "corruption": ("tham nhũng", "tiêu cực", "tham nhũng tiêu cực", "phẩm chất cán bộ"),
        "environment": ("môi trường", "ô nhiễm môi trường"),
        "other": ("khác",),
    },
    "source": dict(_VI_ALIASES[Source]),
}


@lru_cache(maxsize=4)
def _catalog_labels(lang: str) -> dict[str, str]:
    """English message id → label in ``lang``, for every code label (no global switch).

    The language is not switched with :func:`receptiondesk.i18n.set_language`:
    that notifies the GUI's listeners and changes every thread's language, and
    an import runs in a worker thread while the window stays in its language.
    """
    from .. import i18n

    try:
        translations = i18n.translations_for(lang)  # one language only
    except Exception:  # a damaged catalog: the aliases still apply
        return {}
    ids = {msg for labels in LABELS.values() for msg in labels.values()}
    return {msg: translations.gettext(msg) for msg in ids}


@cache
def _enum_map(enum: type[StrEnum]) -> dict[str, str]:
    """Folded spelling → code: the codes, English labels, Vietnamese labels and aliases."""
    mapping: dict[str, str] = {}
    labels = LABELS.get(enum, {})
    vi = _catalog_labels("vi")
    for member in enum:
        mapping.setdefault(fold(member.value), member.value)
    for code, msg in labels.items():
        mapping.setdefault(fold(msg), code)
    for code, msg in labels.items():
        mapping.setdefault(fold(vi.get(msg, msg)), code)
    for code, words in _VI_ALIASES.get(enum, {}).items():
        for word in words:
            mapping.setdefault(fold(word), code)
    mapping.pop("", None)
    return mapping


#: lookup tables parse_code accepts besides the enums
LOOKUPS: dict[str, type[Field] | type[SourceEntry]] = {"field_code": Field,
                                                       "source": SourceEntry}


def lookup_map(session: Session, lookup: str) -> dict[str, str]:
    """Folded spelling → code of a lookup table (fields or sources), active or not."""
    model = LOOKUPS[lookup]
    rows = list(session.execute(
        select(model.code, model.name_vi, model.name_en, model.national_code)
        .order_by(model.sort_order, model.code)
    ))
    mapping: dict[str, str] = {}
    codes = {r[0] for r in rows}
    for code, *_rest in rows:
        mapping.setdefault(fold(code), code)
    for code, name_vi, name_en, _national in rows:
        mapping.setdefault(fold(name_vi), code)
        mapping.setdefault(fold(name_en), code)
    for code, words in _LOOKUP_ALIASES.get(lookup, {}).items():
        if code in codes:
            for word in words:
                mapping.setdefault(fold(word), code)
    for code, _vi, _en, national in rows:
        if national:
            mapping.setdefault(fold(national), code)
    mapping.pop("", None)
    return mapping


class CodeReader:
    """Parses codes of one import; lookup tables are read once, not once per row."""

    def __init__(self, session: Session | None = None) -> None:
        self._session = session
        self._lookups: dict[str, dict[str, str]] = {}

    def mapping(self, what: type[StrEnum] | str) -> dict[str, str]:
        if isinstance(what, str):
            if what not in self._lookups:
                if self._session is None:
                    raise ValueError("a session is needed to read the lookup tables")
                self._lookups[what] = lookup_map(self._session, what)
            return self._lookups[what]
        return _enum_map(what)

    def parse(self, what: type[StrEnum] | str, text: str | None) -> str | None:
        folded = fold(text)
        if not folded:
            return None
        mapping = self.mapping(what)
        code = mapping.get(folded)
        if code is None:
            # "Khiếu nại (lần 1)": drop a parenthesised note.
            code = mapping.get(fold(re.sub(r"\(.*?\)", " ", text or "")))
        if code is None:
            allowed = list(dict.fromkeys(mapping.values()))
            raise ValueProblem(
                _("\u201c{value}\u201d is not a known code: use one of {allowed} "
                  "(or its Vietnamese name; see \u201creceptiondesk codes\u201d).").format(
                    value=(text or "").strip(), allowed=", ".join(allowed))
            )
        return code


def parse_code(
    what: type[StrEnum] | str, text: str | None, session: Session | None = None
) -> str | None:
    """The canonical code written as ``text`` ('' → None).

    ``what`` is a code enum of :mod:`receptiondesk.model.codes` or the name of a
    lookup table, ``"field_code"`` or ``"source"`` (those need ``session``).
    English codes, English labels, the Vietnamese labels of the catalog and the
    usual Vietnamese words are accepted, case and diacritics ignored.
    """
    return CodeReader(session).parse(what, text)


def json_value(value: Any) -> Any:
    """A column value as JSON, for the bundles and the national export: dates and times as
    ISO text, binary left out (None: attachments do not travel in these files)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    return value
