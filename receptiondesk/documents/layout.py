"""The one layout of every printed document (DESIGN §5).

Two header styles, chosen by the issuing unit's kind:

* **State** documents (Decree 30/2020/NĐ-CP): top left the parent body (caps,
  regular) over the issuing body (caps, bold) with a short rule below, then
  "Số: 05/BB-TCD"; top right "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (caps, bold,
  12) over "Độc lập - Tự do - Hạnh phúc" (bold, 13) with a rule of the same
  length below, then the italic place-and-date line.
* **Party** documents (Guidance 36-HD/VPTW): top right "ĐẢNG CỘNG SẢN VIỆT NAM"
  (caps, bold, 15) with a solid rule of the same length; top left the higher
  Party body over the issuing committee (bold) with an asterisk below, then
  "Số 12-BB/ĐU".

A4 portrait (landscape for tables), margins top and bottom 20 mm, left 30 mm,
right 15 mm; body text 14 pt; the document type centred in bold caps with its
subject below; page numbers centred in the top margin from page 2; signature
blocks (authority and title in bold caps, room to sign, the name in bold), side
by side and wrapping onto rows when several parties sign; "Nơi nhận:" bottom
left. Every text goes through the catalog, so a document comes out in the
current language.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from typing import IO
from xml.sax.saxutils import escape

from babel import dates as babel_dates
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as landscape_of
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ..i18n import N_, _, current_language, pgettext, using_language
from ..model.codes import UnitKind
from ..services.protection import redacted  # noqa: F401 - re-exported for the renderers
from . import fonts

# --- page geometry ---------------------------------------------------------------

MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
BODY_SIZE = 14
#: the version line in the bottom margin of printed minutes
FOOTER_SIZE = 9
#: share of the text width taken by the left column of the header
HEADER_LEFT_SHARE = 0.41
#: vertical room left for a handwritten signature
SIGNATURE_SPACE = 22 * mm


def page_size(landscape: bool = False) -> tuple[float, float]:
    return landscape_of(A4) if landscape else A4


def frame_width(landscape: bool = False) -> float:
    return page_size(landscape)[0] - MARGIN_LEFT - MARGIN_RIGHT


def frame_height(landscape: bool = False) -> float:
    return page_size(landscape)[1] - MARGIN_TOP - MARGIN_BOTTOM


# --- the language of a document ----------------------------------------------------



@contextmanager
def document_language(lang: str | None) -> Iterator[str]:
    """Produce a document in ``lang`` (None: the interface language), then restore.

    The language is switched for this thread only, without notifying the interface's
    listeners, so a document printed in the other language never retranslates the
    open windows (and one produced off the GUI thread never touches a widget).
    """
    with using_language(lang) as current:
        yield current


# --- styles ----------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    body_indent: ParagraphStyle  # a paragraph with its first line indented
    item: ParagraphStyle  # an entry of a list, hanging indent
    heading: ParagraphStyle  # a bold section heading (I. THÀNH PHẦN)
    small: ParagraphStyle
    small_bold: ParagraphStyle
    small_center: ParagraphStyle
    header_parent: ParagraphStyle
    header_body: ParagraphStyle
    header_number: ParagraphStyle
    national: ParagraphStyle
    motto: ParagraphStyle
    party: ParagraphStyle
    asterisk: ParagraphStyle
    place_date: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    sig_title: ParagraphStyle
    sig_note: ParagraphStyle
    sig_name: ParagraphStyle
    recipients_head: ParagraphStyle
    recipients_item: ParagraphStyle
    cell: ParagraphStyle
    cell_center: ParagraphStyle
    cell_head: ParagraphStyle


def _style(name: str, font: str, size: float, **kw) -> ParagraphStyle:
    kw.setdefault("leading", round(size * 1.22, 1))
    return ParagraphStyle(name, fontName=font, fontSize=size, **kw)


@lru_cache(maxsize=4)
def styles(kind: str = UnitKind.STATE) -> Styles:
    """The paragraph styles of a document of a State or Party unit (every font set)."""
    fonts.register_fonts()
    party = kind == UnitKind.PARTY
    r, b, i, bi = fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC
    header_size = 14 if party else 13
    return Styles(
        body=_style("body", r, BODY_SIZE, alignment=TA_JUSTIFY, spaceBefore=4),
        body_indent=_style("body_indent", r, BODY_SIZE, alignment=TA_JUSTIFY, spaceBefore=4,
                           firstLineIndent=10 * mm),
        item=_style("item", r, BODY_SIZE, alignment=TA_JUSTIFY, spaceBefore=2,
                    leftIndent=16 * mm, firstLineIndent=-6 * mm),
        heading=_style("heading", b, BODY_SIZE, alignment=TA_LEFT, spaceBefore=8,
                       spaceAfter=2),
        small=_style("small", r, 12, alignment=TA_LEFT),
        small_bold=_style("small_bold", b, 12, alignment=TA_LEFT),
        small_center=_style("small_center", r, 12, alignment=TA_CENTER),
        header_parent=_style("header_parent", r, header_size, alignment=TA_CENTER),
        header_body=_style("header_body", b, header_size, alignment=TA_CENTER),
        header_number=_style("header_number", r, header_size, alignment=TA_CENTER,
                             spaceBefore=2),
        national=_style("national", b, 12, alignment=TA_CENTER),
        motto=_style("motto", b, 13, alignment=TA_CENTER),
        party=_style("party", b, 15, alignment=TA_CENTER),
        asterisk=_style("asterisk", r, 14, alignment=TA_CENTER, leading=12),
        place_date=_style("place_date", i, 14 if party else 13, alignment=TA_CENTER,
                          spaceBefore=2),
        title=_style("title", b, 15 if party else 14, alignment=TA_CENTER, spaceBefore=14),
        subtitle=_style("subtitle", b, 14, alignment=TA_CENTER, spaceBefore=1),
        sig_title=_style("sig_title", b, 13, alignment=TA_CENTER),
        sig_note=_style("sig_note", i, 12, alignment=TA_CENTER),
        sig_name=_style("sig_name", b, 14, alignment=TA_CENTER),
        recipients_head=_style("recipients_head", bi, 12, alignment=TA_LEFT),
        recipients_item=_style("recipients_item", r, 11, alignment=TA_LEFT, leading=13),
        cell=_style("cell", r, 10, alignment=TA_LEFT, leading=12),
        cell_center=_style("cell_center", r, 10, alignment=TA_CENTER, leading=12),
        cell_head=_style("cell_head", b, 9, alignment=TA_CENTER, leading=11),
    )


def text(value: object) -> str:
    """Plain text made safe for paragraph markup; line breaks are kept."""
    return escape(str(value if value is not None else "")).replace("\n", "<br/>")


def para(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain (escaped) text."""
    return Paragraph(text(value), style)


def labelled(label: str, value: object, style: ParagraphStyle) -> Paragraph:
    """'<b>Label:</b> value' — the label and the value are both escaped."""
    return Paragraph(f"<b>{text(label)}</b> {text(value)}", style)


def caps(value: str) -> str:
    """Upper case, Vietnamese letters included (đ → Đ, ư → Ư)."""
    return (value or "").upper()


# --- dates and times ----------------------------------------------------------------


def long_date(d: date) -> str:
    """'ngày 05 tháng 02 năm 2026' (Decree 30: leading zero for days 1–9 and months 1–2,
    none for months 3–12) in Vietnamese; '5 February 2026' in English."""
    if current_language() == "vi":
        day = f"{d.day:02d}"
        month = f"{d.month:02d}" if d.month < 3 else str(d.month)
        return f"ngày {day} tháng {month} năm {d.year}"
    return babel_dates.format_date(d, "d MMMM y", locale="en_GB")


def place_date_line(place: str, d: date) -> str:
    """'Mường Phăng, ngày 05 tháng 02 năm 2026' / 'Mường Phăng, 5 February 2026'."""
    place = (place or "").strip() or "……"
    return f"{place}, {long_date(d)}"


def clock(t: time | None) -> str:
    """'08 giờ 30 phút' / '08:30' (an empty placeholder when unknown)."""
    if t is None:
        return _("{hour}:{minute}").format(hour="…", minute="…")
    return _("{hour}:{minute}").format(hour=f"{t.hour:02d}", minute=f"{t.minute:02d}")


def handling_label(code: str, petition_type: str | None = None) -> str:
    """The handling of a visit as Form 03 words it (thụ lý / hướng dẫn / chuyển đơn); a
    recommendation or reflection taken up is not "thụ lý" (see codes.TAKEN_UP_TYPES)."""
    from ..model.codes import TAKEN_UP_TYPES

    if code == "accept" and petition_type in TAKEN_UP_TYPES:
        return pgettext("handling", "Taken up")
    labels = {
        "accept": pgettext("handling", "Accepted"),
        "guide": pgettext("handling", "Guided"),
        "forward": pgettext("handling", "Forwarded"),
    }
    return labels.get(code, "")


# --- the unit as issuing body ---------------------------------------------------------

#: words that start the level-and-place part of a Vietnamese unit name
_LEVEL_WORDS = ("xã", "phường", "thị trấn", "huyện", "quận", "thị xã", "thành phố",
                "tỉnh", "đặc khu")


def collective_name(unit) -> str:
    """The collective that signs for the unit: 'Đảng ủy' of 'Đảng ủy xã Mường Phăng',
    'Ủy ban nhân dân' of 'Ủy ban nhân dân xã Mường Phăng'; in English, the kind."""
    if current_language() != "vi":
        return (_("Party Committee") if unit.kind == UnitKind.PARTY
                else _("People's Committee"))
    name = (unit.name or "").strip()
    words = name.split()
    for i in range(1, len(words)):
        rest = " ".join(words[i:]).lower()
        if any(rest == w or rest.startswith(w + " ") for w in _LEVEL_WORDS):
            return " ".join(words[:i])
    place = (unit.place_name or "").strip()
    if place and name.endswith(place) and len(name) > len(place):
        return name[: -len(place)].strip()
    return name


#: how a Party committee's name starts (Guidance 36-HD/VPTW): never the parent of a state
#: document (Decree 30/2020/NĐ-CP, Appendix I)
_PARTY_BODY_WORDS = ("đảng", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy",
                     "ban thường vụ", "ban chấp hành")
#: how a People's Committee's name starts
_PEOPLES_COMMITTEE_WORDS = ("ủy ban nhân dân", "ubnd")
#: how the collective's name may be written inside an official's position
_BODY_WORDS_IN_POSITION = ("ủy ban nhân dân", "ubnd", "hội đồng nhân dân", "hđnd",
                           "đảng ủy", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy",
                           "thị ủy", "ban thường vụ")


def _starts_with_any(value: str, words: Sequence[str]) -> bool:
    lowered = " ".join((value or "").lower().split())
    return any(lowered == w or lowered.startswith(w + " ") for w in words)


def is_party_body(name: str) -> bool:
    """'Đảng ủy xã …', 'Tỉnh ủy …', 'Đảng bộ tỉnh …' are Party bodies."""
    return _starts_with_any(name, _PARTY_BODY_WORDS)


def is_peoples_committee(unit) -> bool:
    return unit.kind != UnitKind.PARTY and _starts_with_any(unit.name,
                                                           _PEOPLES_COMMITTEE_WORDS)


def standing_committee_issues(unit) -> bool:
    """A province (or former district) Party committee issues through its standing
    committee ('T/M BAN THƯỜNG VỤ', Guidance 36-HD/VPTW); a commune Party committee signs
    'T/M ĐẢNG ỦY'."""
    return unit.kind == UnitKind.PARTY and unit.level in ("province", "district")


def on_behalf_of(unit) -> str:
    """The authority line 'TM. ỦY BAN NHÂN DÂN' (State, Decree 30 art. 13), 'T/M ĐẢNG ỦY'
    or 'T/M BAN THƯỜNG VỤ' (Party, Guidance 36-HD/VPTW)."""
    if unit.kind == UnitKind.PARTY:
        body = _("Standing Committee") if standing_committee_issues(unit) \
            else collective_name(unit)
        return caps(pgettext("party", "On behalf of the {body}").format(body=body))
    return caps(_("On behalf of the {body}").format(body=collective_name(unit)))


def signer_title(unit, position: str) -> str:
    """The title under the authority line: the position without the collective's name
    ('Bí thư Đảng ủy xã' → 'BÍ THƯ' under 'T/M ĐẢNG ỦY'; 'Chủ tịch UBND xã Mường Phăng'
    → 'CHỦ TỊCH' under 'TM. ỦY BAN NHÂN DÂN'), Decree 30 art. 13 and Guidance 36."""
    position = " ".join((position or "").split())
    lowered = position.lower()
    words = list(_BODY_WORDS_IN_POSITION)
    body = collective_name(unit).lower()
    if body:
        words.append(body)
    cut = len(position)
    for w in words:
        i = lowered.find(" " + w)
        while i != -1:
            end = i + 1 + len(w)
            if end == len(lowered) or lowered[end] == " ":
                cut = min(cut, i)
                break
            i = lowered.find(" " + w, i + 1)
    return caps(position[:cut].strip() or position)


def is_deputy(position: str) -> bool:
    """'Phó Chủ tịch …', 'Phó Bí thư …' sign for the head."""
    return _starts_with_any(position, ("phó", "deputy", "vice"))


def signature_of(unit, position: str, name: str = "") -> Signature:
    """Who signs a document for the unit, by position (Decree 30/2020/NĐ-CP art. 13 and
    Appendix I; Guidance 36-HD/VPTW):

    * a People's Committee's chairman: 'TM. ỦY BAN NHÂN DÂN' over 'CHỦ TỊCH';
    * its deputy: 'KT. CHỦ TỊCH' over 'PHÓ CHỦ TỊCH';
    * a Party committee's secretary or deputy: 'T/M ĐẢNG ỦY' (or 'T/M BAN THƯỜNG VỤ')
      over 'BÍ THƯ' / 'PHÓ BÍ THƯ' (the Party writes no 'KT.').
    """
    title = signer_title(unit, position) if (position or "").strip() \
        else caps(_("Head of the unit"))
    if unit.kind != UnitKind.PARTY and is_deputy(position):
        head = title.split(" ", 1)[1] if " " in title else title
        return Signature(title=title, name=name,
                         authority=caps(_("For the {head}").format(head=head.lower())))
    return Signature(title=title, name=name, authority=on_behalf_of(unit))


def parent_body_of(unit) -> str:
    """The line above the issuing body, never a Party committee above a state document.

    * A Party committee: the higher Party body (the unit's setting, else its Party parent),
      Guidance 36-HD/VPTW.
    * A People's Committee, a body of general competence, has none (Decree 30/2020/NĐ-CP,
      Appendix I, part I, item 3: the directly superior body "if any").
    * Another state body: the superior state body named in the unit's setting, else its
      parent unit when that is a state body (never a Party committee).

    ``unit`` is a Unit or anything with ``kind``, ``name``, ``parent_body_name`` and either
    ``parent`` or ``parent_name`` and ``parent_kind``.
    """
    explicit = " ".join((getattr(unit, "parent_body_name", "") or "").split())
    if unit.kind == UnitKind.PARTY:
        if explicit:
            return explicit
        parent = getattr(unit, "parent", None)
        if parent is not None:
            return parent.name if parent.kind == UnitKind.PARTY else ""
        if getattr(unit, "parent_kind", "") == UnitKind.PARTY:
            return getattr(unit, "parent_name", "") or ""
        return ""
    if is_peoples_committee(unit):
        return ""
    if explicit:
        return "" if is_party_body(explicit) else explicit
    parent = getattr(unit, "parent", None)
    if parent is not None:
        return parent.name if parent.kind != UnitKind.PARTY else ""
    if getattr(unit, "parent_kind", "") not in ("", UnitKind.PARTY):
        return getattr(unit, "parent_name", "") or ""
    return ""


# --- the header ---------------------------------------------------------------------


@dataclass
class DocumentHeader:
    """What the top of a document says: who issues it, its number, where and when."""

    kind: str  # UnitKind: "party" or "state"
    issuing_body: str
    parent_body: str = ""
    number: str | None = None  # None: no number line (a book, a slip)
    place: str = ""
    on: date | None = None

    @classmethod
    def for_unit(
        cls, unit, number: str | None = None, on: date | None = None, place: str | None = None
    ) -> DocumentHeader:
        return cls(
            kind=unit.kind if unit.kind in (UnitKind.PARTY, UnitKind.STATE) else UnitKind.STATE,
            issuing_body=unit.name,
            parent_body=parent_body_of(unit),
            number=number,
            place=unit.place_name if place is None else place,
            on=on,
        )

    @property
    def is_party(self) -> bool:
        return self.kind == UnitKind.PARTY

    def number_line(self) -> str:
        if self.number is None:
            return ""
        if self.is_party:
            return pgettext("party", "No. {number}").format(number=self.number)
        return _("No.: {number}").format(number=self.number)


def _rule(width: float, thickness: float = 0.6, before: float = 1, after: float = 2) -> HRFlowable:
    return HRFlowable(width=width, thickness=thickness, color=colors.black,
                      spaceBefore=before, spaceAfter=after, hAlign="CENTER")


def _widest_line(value: str, font: str, size: float, limit: float) -> float:
    """Width of ``value`` as the paragraph will set it (at most ``limit``, wrapped)."""
    return min(stringWidth(value, font, size), limit)


def _broken_name(value: str, font: str, size: float, width: float) -> str:
    """Markup of a unit's name in caps that breaks, when too long for one line, before
    its level ('ỦY BAN NHÂN DÂN / XÃ MƯỜNG PHĂNG'), as offices write it."""
    value = caps(value)
    if stringWidth(value, font, size) <= width:
        return text(value)
    words = value.split()
    for i in range(len(words) - 1, 0, -1):
        rest = " ".join(words[i:]).lower()
        if any(rest == w or rest.startswith(w + " ") for w in _LEVEL_WORDS):
            first, second = " ".join(words[:i]), " ".join(words[i:])
            if stringWidth(first, font, size) <= width and \
                    stringWidth(second, font, size) <= width:
                return f"{text(first)}<br/>{text(second)}"
    return text(value)


def header_flowables(header: DocumentHeader, landscape: bool = False) -> list[Flowable]:
    """The two-column header of DESIGN §5, as one table."""
    st = styles(header.kind)
    width = frame_width(landscape)
    left_w = width * HEADER_LEFT_SHARE
    right_w = width - left_w
    pad = 2
    inner = left_w - 2 * pad
    left: list[Flowable] = []
    if header.parent_body:
        left.append(Paragraph(_broken_name(header.parent_body, st.header_parent.fontName,
                                           st.header_parent.fontSize, inner), st.header_parent))
    body = caps(header.issuing_body)
    left.append(Paragraph(_broken_name(body, st.header_body.fontName, st.header_body.fontSize,
                                       inner), st.header_body))
    if header.is_party:
        left.append(para("*", st.asterisk))
    else:
        line = _widest_line(body, st.header_body.fontName, st.header_body.fontSize, inner)
        left.append(_rule(max(min(line / 3, 40 * mm), 15 * mm), before=3, after=0))
    right: list[Flowable] = []
    if header.is_party:
        title = caps(_("Communist Party of Viet Nam"))
        right.append(para(title, st.party))
        right.append(_rule(_widest_line(title, st.party.fontName, st.party.fontSize,
                                        right_w - 2 * pad), thickness=0.8, before=3))
    else:
        right.append(para(caps(_("Socialist Republic of Viet Nam")), st.national))
        motto = _("Independence - Freedom - Happiness")
        right.append(para(motto, st.motto))
        right.append(_rule(_widest_line(motto, st.motto.fontName, st.motto.fontSize,
                                        right_w - 2 * pad), before=3))
    number = para(header.number_line(), st.header_number) if header.number is not None else ""
    when = para(place_date_line(header.place, header.on), st.place_date) if header.on else ""
    rows = [[left, right], [number, when]]
    table = Table(rows, colWidths=[left_w, right_w], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))
    return [table]


def title_flowables(header: DocumentHeader, title: str, subtitle: str = "") -> list[Flowable]:
    """The document type centred in bold caps, its subject below with a short rule."""
    st = styles(header.kind)
    out: list[Flowable] = [para(caps(title), st.title)]
    if subtitle:
        out.append(para(subtitle, st.subtitle))
    width = stringWidth(subtitle or title, st.subtitle.fontName, st.subtitle.fontSize)
    out.append(_rule(max(min(width / 3, 50 * mm), 20 * mm), before=6, after=8))
    return out


# --- signatures and recipients ----------------------------------------------------------


#: under a person's own signature (not an office's, which carries its seal): the wording
#: of Vietnamese minutes and receipt forms. Its exact source (e.g. the forms annexed to
#: Circular 04/2021/TT-TTCP) could not be checked here: to be confirmed against the text.
SIGN_AND_NAME = N_("(Sign and write the full name)")


@dataclass
class Signature:
    """One signing party: 'T/M ĐẢNG ỦY' / 'BÍ THƯ' / (room to sign) / 'Lò Văn Khoa'."""

    title: str
    name: str = ""  # blank: a dotted line to write the name by hand
    authority: str = ""
    note: str = ""  # e.g. "(Ký, ghi rõ họ tên)"
    new_row: bool = False  # start a new row of signatures with this one


def personal_signature(title: str, name: str = "", new_row: bool = False) -> Signature:
    """A person signing for themselves, asked to write the name under the signature."""
    return Signature(title, name, note=_(SIGN_AND_NAME), new_row=new_row)


def signature_block(sig: Signature, kind: str) -> list[Flowable]:
    st = styles(kind)
    out: list[Flowable] = []
    if sig.authority:
        out.append(para(caps(sig.authority), st.sig_title))
    out.append(para(caps(sig.title), st.sig_title))
    if sig.note:
        out.append(para(sig.note, st.sig_note))
    out.append(Spacer(1, SIGNATURE_SPACE))
    out.append(para(sig.name or "……………………………", st.sig_name))
    return out


def recipients_block(recipients: Sequence[str], kind: str) -> list[Flowable]:
    st = styles(kind)
    out: list[Flowable] = [para(_("Recipients:"), st.recipients_head)]
    last = len(recipients) - 1
    for i, entry in enumerate(recipients):
        entry = entry.strip().rstrip(";.")
        out.append(para(f"- {entry}{'.' if i == last else ';'}", st.recipients_item))
    return out


def signature_rows(
    signatures: Sequence[Signature],
    kind: str,
    recipients: Sequence[str] = (),
    landscape: bool = False,
    per_row: int | None = None,
) -> list[Flowable]:
    """Signature blocks side by side, wrapping onto rows; the last one bottom right and
    "Nơi nhận" bottom left. Each row is one table that is never split."""
    width = frame_width(landscape)
    per_row = per_row or (3 if landscape else 2)
    rows: list[list[Signature]] = []
    for sig in signatures:
        if not rows or sig.new_row or len(rows[-1]) == per_row:
            rows.append([])
        rows[-1].append(sig)
    cells: list[list[object]] = []
    for i, row in enumerate(rows):
        blanks: list[object] = [None] * (per_row - len(row))
        # the last row ends bottom right (the main signature); the others start left
        cells.append(blanks + row if i == len(rows) - 1 else row + blanks)
    if recipients:
        block = recipients_block(recipients, kind)
        if cells and cells[-1][0] is None:
            cells[-1][0] = block
        else:
            cells.append([block] + [None] * (per_row - 1))
    col = width / per_row
    out: list[Flowable] = []
    for i, cell_row in enumerate(cells):
        content = [
            signature_block(c, kind) if isinstance(c, Signature) else (c or "") for c in cell_row
        ]
        table = Table([content], colWidths=[col] * per_row, hAlign="CENTER")
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 14 if i < len(cells) - 1 else 0),
        ]))
        out.append(table)
    return out


# --- the document ------------------------------------------------------------------------


class _PageNumbers:
    """Draws the page number centred in the top margin, from page 2."""

    def __init__(self, landscape: bool = False, size: float = 13, footer: str = "") -> None:
        self.landscape = landscape
        self.size = size
        self.pages = 0
        #: a line in the bottom margin of every page (the version of printed minutes)
        self.footer = footer
        #: the first page of the section being laid out (its pages are numbered from 1)
        self.first_page = 1

    def __call__(self, canvas, doc) -> None:
        self.pages = max(self.pages, doc.page)
        canvas.setFont(fonts.REGULAR, self.size)  # never the canvas's default Helvetica
        if self.footer:
            canvas.saveState()
            canvas.setFont(fonts.REGULAR, FOOTER_SIZE)
            canvas.drawRightString(MARGIN_LEFT + frame_width(self.landscape),
                                   MARGIN_BOTTOM / 2, self.footer)
            canvas.restoreState()
        number = doc.page - self.first_page + 1
        if number < 2:
            return
        canvas.saveState()
        canvas.setFont(fonts.REGULAR, self.size)
        _width, height = page_size(self.landscape)
        x = MARGIN_LEFT + frame_width(self.landscape) / 2
        y = height - MARGIN_TOP / 2 - self.size / 3
        canvas.drawCentredString(x, y, str(number))
        canvas.restoreState()


class _SectionStart(Flowable):
    """Marks the page it is drawn on as the first of a section (numbered anew)."""

    def __init__(self, numbers: _PageNumbers) -> None:
        super().__init__()
        self.numbers = numbers

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self) -> None:
        self.numbers.first_page = self.canv.getPageNumber()


class OfficialDocument(BaseDocTemplate):
    """A4 (portrait or landscape) with the margins of Decree 30 exactly: the text frame
    has no inner padding; every page numbered from page 2.

    ``sections``: the document is several documents one after the other, each numbered
    from its own first page (the number is then drawn when the page is finished, once
    the page knows which section it belongs to)."""

    def __init__(self, out: str | IO[bytes], header: DocumentHeader, title: str,
                 landscape: bool = False, footer: str = "", sections: bool = False) -> None:
        fonts.register_fonts()
        super().__init__(
            out,
            pagesize=page_size(landscape),
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author=header.issuing_body,
            creator="ReceptionDesk",
            initialFontName=fonts.REGULAR,
            initialFontSize=BODY_SIZE,
            lang="vi-VN" if current_language() == "vi" else "en-GB",
        )
        self.numbers = _PageNumbers(landscape, footer=footer)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        if sections:
            template = PageTemplate(id="page", frames=[frame], onPageEnd=self.numbers,
                                    pagesize=page_size(landscape))
        else:
            template = PageTemplate(id="page", frames=[frame], onPage=self.numbers,
                                    pagesize=page_size(landscape))
        self.addPageTemplates([template])

    def build_story(self, story: list[Flowable]) -> int:
        """Lay out ``story`` and write the PDF; returns the number of pages."""
        # Compressed streams are written as binary, not ASCII85: smaller and quicker.
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            self.build(story)
        finally:
            rl_config.useA85 = previous
        return self.numbers.pages


#: the class of the document :func:`new_doc` hands a renderer: None for the PDF's own
#: (:class:`OfficialDocument`), ``docx_writer.WordDocument`` while
#: ``docx_writer.as_word`` is in effect (this module does not import the Word writer)
_DOCUMENT_CLASS: ContextVar[type | None] = ContextVar("receptiondesk_document_class",
                                                      default=None)


@contextmanager
def writing_with(document_class: type | None) -> Iterator[None]:
    """While in effect, :func:`new_doc` (and so :func:`build_pdf`) hands renderers a
    ``document_class`` (None: the PDF) with :class:`OfficialDocument`'s constructor and
    methods. ``docx_writer.as_word`` sets it for the Word copies."""
    token = _DOCUMENT_CLASS.set(document_class)
    try:
        yield
    finally:
        _DOCUMENT_CLASS.reset(token)


def writing_word() -> bool:
    """Whether the documents made now are another writer's (the Word copies), not PDFs."""
    return _DOCUMENT_CLASS.get() is not None


def new_doc(
    out: str | IO[bytes], header: DocumentHeader, title: str, landscape: bool = False,
    footer: str = "",
) -> OfficialDocument:
    document_class = _DOCUMENT_CLASS.get() or OfficialDocument
    return document_class(out, header, title, landscape, footer=footer)


def build_pdf(
    out: str | IO[bytes],
    header: DocumentHeader,
    title: str,
    subtitle: str,
    flowables: Sequence[Flowable],
    signatures: Sequence[Signature] = (),
    recipients: Sequence[str] = (),
    landscape: bool = False,
    per_row: int | None = None,
    footer: str = "",
) -> int:
    """Lay out a whole document and write the PDF to ``out`` (a path or a binary file).

    ``footer`` is printed small in the bottom margin of every page.

    Returns the number of pages. The last body flowable is kept on the page of the
    first row of signatures, so that a signature never stands alone on a page.
    """
    doc = new_doc(out, header, caps(title) + (f" — {subtitle}" if subtitle else ""), landscape,
                  footer=footer)
    return doc.build_story(_document_story(header, title, subtitle, flowables, signatures,
                                           recipients, landscape, per_row))


def _document_story(header: DocumentHeader, title: str, subtitle: str,
                    flowables: Sequence[Flowable], signatures: Sequence[Signature],
                    recipients: Sequence[str], landscape: bool,
                    per_row: int | None) -> list[Flowable]:
    story: list[Flowable] = header_flowables(header, landscape)
    story += title_flowables(header, title, subtitle)
    body = list(flowables)
    rows = signature_rows(signatures, header.kind, recipients, landscape, per_row)
    if rows:
        # The signatures stay together, with the last lines of the text above them.
        tail = [body.pop()] if body else []
        story += body
        story.append(KeepTogether(tail + [Spacer(1, 5 * mm)] + rows))
    else:
        story += body
    return story


@dataclass
class Section:
    """One of the documents printed one after the other by :func:`build_sections`."""

    subtitle: str
    flowables: Sequence[Flowable]
    signatures: Sequence[Signature] = ()


def build_sections(
    out: str | IO[bytes],
    header: DocumentHeader,
    title: str,
    sections: Sequence[Section],
    per_row: int | None = None,
    footer: str = "",
) -> int:
    """Several documents of the same header and title in one PDF, each starting on a new
    page with the header and numbered from its own first page (a page for each signer).
    Returns the number of pages."""
    doc = OfficialDocument(out, header, caps(title), footer=footer, sections=True)
    story: list[Flowable] = []
    for i, section in enumerate(sections):
        if i:
            story.append(PageBreak())
        story.append(_SectionStart(doc.numbers))
        story += _document_story(header, title, section.subtitle, section.flowables,
                                 section.signatures, (), False, per_row)
    return doc.build_story(story)
