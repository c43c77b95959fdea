"""The upper level's own spreadsheet, filled with the periodic report's figures.

An upper level often sends the workbook it wants back. The office marks the cells to
fill with placeholders such as ``{{petitions.received}}`` or
``{{sessions.regular.commune}}``; :func:`fill_template` puts each figure in its cell as
a number and keeps everything else of the workbook (formats, formulas, other sheets).
A cell holding text around a placeholder ("Tổng: {{petitions.received}} đơn") keeps
its text with the figure written in. An unknown placeholder is refused by name with
its cell, so a typing mistake never leaves a hole in what is sent up.

:func:`placeholders` lists every placeholder with its meaning in the current language
(``receptiondesk report fields``). The figures are the same as the report's JSON: the
names follow its keys.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import _, format_number
from ..model.codes import (
    Handling,
    InspectionBody,
    Level,
    PetitionType,
    Result,
    SessionKind,
    label,
    results_for,
)
from ..services.errors import ValidationError
from .periodic import PeriodicReport, ScopeFigures

__all__ = ["FilledTemplate", "Placeholder", "fill_template", "placeholders",
           "MAX_TEMPLATE_BYTES"]

#: a workbook sent by an upper level is a few hundred kilobytes; the bounds refuse a file
#: that is something else (or a compressed bomb) before it is parsed
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_CELLS = 2_000_000
TEMPLATE_SUFFIXES = (".xlsx", ".xlsm")

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")

Getter = Callable[[PeriodicReport], float | int | None]


@dataclass(frozen=True)
class Placeholder:
    name: str
    meaning: str
    get: Getter


# --- the vocabulary ------------------------------------------------------------------

_SESSION_MEASURES = {
    "sessions": lambda: _("reception sessions held"),
    "visits": lambda: _("visits (rows of the log book)"),
    "citizens": lambda: _("citizens received"),
    "delegations": lambda: _("delegations received"),
    "delegation_citizens": lambda: _("citizens in delegations"),
}
_MEETING_FIELDS = {
    "total": ("meetings", lambda: _("working meetings held")),
    "regular": ("regular", lambda: _("regular working meetings")),
    "unscheduled": ("unscheduled", lambda: _("unscheduled working meetings")),
    "notices": ("notices", lambda: _("concluding notices issued")),
    "notices_after_meetings": ("notices_after_meetings",
                               lambda: _("concluding notices after working meetings")),
    "notices_after_sessions": ("notices_after_sessions",
                               lambda: _("concluding notices after reception sessions")),
}
_INSPECTION_FIELDS = {
    "total": lambda: _("inspections and supervisions held"),
    "inspections": lambda: _("inspections held"),
    "supervisions": lambda: _("supervisions held"),
    "organisations": lambda: _("organisations covered"),
    "members": lambda: _("Party members covered"),
    "with_violations": lambda: _("inspections and supervisions that found violations"),
}
_PETITION_FIELDS = {
    "received": lambda: _("petitions received in the period"),
    "carried_over": lambda: _("petitions carried over from before"),
    "carried_unprocessed": lambda: _("petitions carried over not yet processed"),
    "carried_in_resolution": lambda: _("petitions carried over in resolution"),
    "total": lambda: _("petitions received and carried over"),
    "to_process": lambda: _("petitions to process"),
    "processed": lambda: _("petitions processed"),
    "processed_rate": lambda: _("share of petitions processed, in percent"),
    "accepted": lambda: _("petitions accepted for resolution"),
    "to_resolve": lambda: _("petitions to resolve"),
    "resolved": lambda: _("petitions resolved"),
    "resolved_rate": lambda: _("share of petitions resolved, in percent"),
    "open_at_end": lambda: _("petitions open at the end of the period"),
    "overdue_at_end": lambda: _("petitions overdue at the end of the period"),
}
_BREAKDOWN_FIELDS = {
    "received": lambda: _("received"),
    "carried_over": lambda: _("carried over"),
    "processed": lambda: _("processed"),
    "resolved": lambda: _("resolved"),
    "percent": lambda: _("share of the petitions received, in percent"),
}
_TIMELINESS_FIELDS = {
    "processed_on_time": lambda: _("petitions processed on time"),
    "processed_late": lambda: _("petitions processed late"),
    "processed_on_time_rate": lambda: _("share processed on time, in percent"),
    "resolved_on_time": lambda: _("petitions resolved on time"),
    "resolved_late": lambda: _("petitions resolved late"),
    "resolved_without_deadline": lambda: _("petitions resolved without a deadline"),
    "resolved_on_time_rate": lambda: _("share resolved on time, in percent"),
}
_BODY_FIELDS = ("total", "inspections", "supervisions", "organisations", "members",
                "with_violations")


def _scope(report: PeriodicReport, level: str | None) -> ScopeFigures | None:
    """The whole report's figures, or one level's (None: the report has no unit there)."""
    if level is None:
        return report.total
    return next((s for s in report.by_level if s.code == level), None)


def _in_scope(level: str | None, pick: Callable[[ScopeFigures], Any]) -> Getter:
    def get(report: PeriodicReport) -> Any:
        scope = _scope(report, level)
        return 0 if scope is None else pick(scope)
    return get


def _scoped(name: str, meaning: str, pick: Callable[[ScopeFigures], Any]
            ) -> Iterator[Placeholder]:
    """A figure of the whole report, then the same for each level (``name.commune``)."""
    yield Placeholder(name, meaning, _in_scope(None, pick))
    for level in Level:
        yield Placeholder(f"{name}.{level.value}",
                          _("{meaning}, {level} level").format(
                              meaning=meaning, level=label(Level, level.value).lower()),
                          _in_scope(level.value, pick))


def _row(rows_of: Callable[[PeriodicReport], list], key: Callable[[Any], bool],
         attr: str) -> Getter:
    def get(report: PeriodicReport) -> Any:
        row = next((r for r in rows_of(report) if key(r)), None)
        return 0 if row is None else getattr(row, attr)
    return get


def _reception(kind: str, measure: str) -> Callable[[ScopeFigures], Any]:
    return lambda s: getattr(s.reception.kind(kind), measure)


def _part(part: str, name: str) -> Callable[[ScopeFigures], Any]:
    """A scope's ``part`` ("meetings", "inspections", "petitions") figure ``name``."""
    return lambda s: getattr(getattr(s, part), name)


def _code_is(attr: str, *values: str | None) -> Callable[[Any], bool]:
    """A row whose ``attr`` (or attributes, for two values) are ``values``."""
    names = attr.split(",")
    return lambda row: tuple(getattr(row, n) for n in names) == values


def _timeliness(name: str) -> Getter:
    return lambda report: getattr(report.timeliness, name)


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, label(SessionKind, k.value)) for k in SessionKind] + [
        ("total", _("all kinds"))]


def placeholders(field_names: dict[str, list[str]] | None = None) -> list[Placeholder]:
    """Every placeholder a template may hold, in the order ``report fields`` lists them.
    ``field_names``: the fields of petitions (code -> [Vietnamese, English] name)."""
    out: list[Placeholder] = []
    for measure, what in _SESSION_MEASURES.items():
        for kind, kind_label in _kinds():
            out += _scoped(f"{measure}.{kind}",
                           _("{what} ({kind})").format(what=what(), kind=kind_label.lower()),
                           _reception(kind, measure))
    for key, (attr, what) in _MEETING_FIELDS.items():
        out += _scoped(f"meetings.{key}", what(), _part("meetings", attr))
    for key, what in _INSPECTION_FIELDS.items():
        out += _scoped(f"inspections.{key}", what(), _part("inspections", key))
    for key, what in _PETITION_FIELDS.items():
        out += _scoped(f"petitions.{key}", what(), _part("petitions", key))
    for body in InspectionBody:
        for key in _BODY_FIELDS:
            out.append(Placeholder(
                f"inspections.body.{body.value}.{key}",
                _("{what}, by {body}").format(what=_INSPECTION_FIELDS[key](),
                                              body=label(InspectionBody, body.value)),
                _row(lambda r: r.inspections_by_body, _code_is("body", body.value), key)))
    for ptype in PetitionType:
        for key, what in _BREAKDOWN_FIELDS.items():
            out.append(Placeholder(
                f"petitions.type.{ptype.value}.{key}",
                _("{type}: {what}").format(type=label(PetitionType, ptype.value),
                                           what=what()),
                _row(lambda r: r.by_type, _code_is("code", ptype.value), key)))
    names = field_names or {}
    for code in [*sorted(names), None]:
        name = _("Not classified") if code is None else _field_name(names, code)
        for key, what in _BREAKDOWN_FIELDS.items():
            out.append(Placeholder(
                f"petitions.field.{code or 'none'}.{key}",
                _("{field}: {what}").format(field=name, what=what()),
                _row(lambda r: r.by_field, _code_is("code", code), key)))
    for handling in Handling:
        out.append(Placeholder(
            f"handling.{handling.value}",
            _("petitions handled: {handling}").format(
                handling=label(Handling, handling.value)),
            _row(lambda r: r.by_handling, _code_is("code", handling.value), "count")))
    for ptype in PetitionType:
        if ptype == PetitionType.MIXED:
            continue
        for result in sorted(results_for(ptype.value)):
            out.append(Placeholder(
                f"results.{ptype.value}.{result}",
                _("{type} resolved: {result}").format(
                    type=label(PetitionType, ptype.value), result=label(Result, result)),
                _row(lambda r: r.results, _code_is("petition_type,result", ptype.value, result),
                     "count")))
    for key, what in _TIMELINESS_FIELDS.items():
        out.append(Placeholder(f"timeliness.{key}", what(), _timeliness(key)))
    return out


def _field_name(names: dict[str, list[str]], code: str) -> str:
    from ..i18n import current_language

    vi, en = (names.get(code) or [code, code])[:2]
    return vi if current_language() == "vi" else en


# --- filling a workbook --------------------------------------------------------------


@dataclass
class FilledTemplate:
    """What filling did: the cells filled, and what the workbook held that is not kept."""

    cells: int = 0
    placeholders: set[str] = field(default_factory=set)
    #: parts of the workbook the spreadsheet library does not keep (images, charts)
    not_kept: list[str] = field(default_factory=list)


def check_template_file(path: Path) -> list[str]:
    """Refuse what is not a workbook of bounded size; returns what will not be kept."""
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise ValidationError.single("template", _(
            "The template must be an Excel workbook (.xlsx or .xlsm): {name}.").format(
                name=path.name))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError.single("template", _(
            "The template {name} cannot be read: {reason}").format(
                name=path.name, reason=exc.strerror or exc)) from exc
    if size > MAX_TEMPLATE_BYTES:
        raise ValidationError.single("template", _(
            "The template {name} is {size} MB; a template may be at most {limit} MB.").format(
                name=path.name, size=format_number(round(size / 2**20, 1)),
                limit=format_number(MAX_TEMPLATE_BYTES // 2**20)))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError.single("template", _(
            "The template {name} is not an Excel workbook or is damaged.").format(
                name=path.name)) from exc
    if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
        raise ValidationError.single("template", _(
            "The template {name} unpacks to more than {limit} MB; it is refused.").format(
                name=path.name, limit=format_number(MAX_UNPACKED_BYTES // 2**20)))
    lost = []
    if any(i.filename.startswith("xl/charts/") for i in infos):
        lost.append(_("charts"))
    if any(i.filename.startswith("xl/media/") for i in infos):
        lost.append(_("pictures"))
    return lost


def fill_template(report: PeriodicReport, template: str | Path, out: str | Path
                  ) -> FilledTemplate:
    """Fill ``template``'s placeholders with ``report``'s figures into ``out``."""
    from openpyxl import load_workbook

    template = Path(template)
    result = FilledTemplate(not_kept=check_template_file(template))
    vocabulary = {p.name: p for p in placeholders(report.field_names)}
    try:
        book = load_workbook(template, keep_vba=template.suffix.lower() == ".xlsm",
                             keep_links=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError.single("template", _(
            "The template {name} is not an Excel workbook or is damaged.").format(
                name=template.name)) from exc
    unknown: list[str] = []
    seen = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                seen += 1
                if seen > MAX_CELLS:
                    raise ValidationError.single("template", _(
                        "The template {name} has more than {limit} cells; it is refused."
                    ).format(name=template.name, limit=format_number(MAX_CELLS)))
                value = cell.value
                if not isinstance(value, str) or "{{" not in value:
                    continue
                names = PLACEHOLDER.findall(value)
                missing = [n for n in names if n not in vocabulary]
                if missing:
                    unknown += [f"{sheet.title}!{cell.coordinate}: {{{{{n}}}}}"
                                for n in missing]
                    continue
                result.placeholders.update(names)
                result.cells += 1
                whole = PLACEHOLDER.fullmatch(value.strip())
                if whole:
                    cell.value = _number(vocabulary[whole.group(1)].get(report))
                else:
                    cell.value = PLACEHOLDER.sub(
                        lambda m: format_number(_number(vocabulary[m.group(1)].get(report))),
                        value)
    if unknown:
        shown = unknown[:10]
        more = len(unknown) - len(shown)
        text = "; ".join(shown) + (
            " " + _("(and {count} more)").format(count=format_number(more)) if more else "")
        raise ValidationError.single("template", _(
            "The template holds placeholders that do not exist: {cells}. "
            "“receptiondesk report fields” lists those that do.").format(cells=text))
    book.save(out)
    return result


def _number(value: Any) -> int | float:
    return 0 if value is None else value
