"""The one door out (DESIGN §6): every document, export, report, search result and
screenshot of records leaves ReceptionDesk through here.

For each output the door, in this order:

1. checks the acting user's permission for that kind of output (:data:`OUTPUTS`);
2. writes one audit entry naming the output, its scope and the file (the audit log adds
   the user);
3. takes the one protection for the reader (:func:`protection.shield`): a role not cleared
   sees every protected person blotted out of people and texts; what leaves the office
   (a bundle, the national export, the verifiers' copy) is blotted out for every role;
4. has the renderer write beside the file, and gives the file its name only once it is
   whole (:func:`~receptiondesk.exchange.exporter.written_whole`): a refusal, an error or a
   cancel leaves neither a half file nor the old one damaged.

Renderers (``documents``, ``reports.outputs``, the ``exchange`` writers) only render: the
GUI and the command line never call them directly (``tests/test_output_door.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ..i18n import _
from . import audit, protection
from .accounts import (
    ROLE_PERMISSIONS,
    ROLES,
    current_user,
    permits,
    require,
    require_cleared,
    users_exist,
)
from .errors import PermissionDenied
from .output_kinds import EXPORT, OUTPUTS, PRINT, Output  # noqa: F401 - re-exported

R = TypeVar("R")

def allowed(role: str, output: str) -> bool:
    """Whether ``role`` may produce ``output`` (the README's table)."""
    permission = OUTPUTS[output].permission
    return permission is None or permission in ROLE_PERMISSIONS.get(role, frozenset())


def permission_table() -> list[tuple[str, dict[str, bool]]]:
    """Every output and, per role, whether it is allowed."""
    return [(name, {role: allowed(role, name) for role in ROLES}) for name in OUTPUTS]


# --- the door ---------------------------------------------------------------------------


@dataclass
class Exit:
    """What the renderer is handed: where to write, and what the reader may see."""

    output: Output
    shield: protection.Shield
    target: Path | None  # the file to write (beside the real one); None: no file

    @property
    def file(self) -> Path:
        """The file to write, for an output to a file (the door was given a path)."""
        if self.target is None:
            raise ValueError(f"the {self.output.name} output was given no file")
        return self.target


def _check(session: Session, output: Output) -> None:
    if output.permission is not None:
        require(session, output.permission)
    elif current_user() is None and users_exist(session):
        raise PermissionDenied(_("Sign in first: this database has user accounts."))


def _clean(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return len(value)
    return value


@contextmanager
def door(session: Session, output: str, path: str | Path | None = None, *,
         scope: dict[str, Any] | None = None, record_id: str = "",
         unit_id: str | None = None, reveal: bool = False) -> Iterator[Exit]:
    """Open the door for one ``output`` to ``path`` (None: shown on screen, no file).

    ``reveal`` asks for identities in a file that would otherwise hold ``***`` whatever
    the role (the table exports' explicit choice): a cleared role only."""
    out = OUTPUTS[output]
    _check(session, out)
    if reveal:
        require_cleared(session)
    detail = {k: _clean(v) for k, v in (scope or {}).items() if v is not None}
    if path is not None:
        detail["file"] = Path(path).name
    audit.record(session, out.action, output, record_id, unit_id, detail)
    shield = protection.shield(session, cleared=False if out.leaves_office else None)
    if path is None:
        yield Exit(out, shield, None)
        return
    from ..exchange.exporter import written_whole

    with written_whole(Path(path), _Target, keep_suffix=True) as target:
        yield Exit(out, shield, target.path)
        target.close()


class _Target:
    """The file the renderer writes beside the real one (what ``written_whole`` opens)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.unlink(missing_ok=True)  # a left-over of an earlier attempt

    def close(self) -> None:
        if not self.path.exists():
            raise OSError(_("the document was not written"))

    def abort(self) -> None:
        self.path.unlink(missing_ok=True)


def produce(session: Session, output: str, path: str | Path | None,
            render: Callable[[Exit], R], **where: Any) -> R:
    """Produce ``output`` through the door: ``render(exit)`` writes ``exit.target``
    as ``exit.shield`` lets the reader see it."""
    with door(session, output, path, **where) as exit_:
        return render(exit_)


# --- printed documents ------------------------------------------------------------------

#: the formats of a printed document: the PDF, or its Word copy (``documents.docx_writer``)
DOCUMENT_FORMATS = ("pdf", "docx")


def document_format(path: str | Path | None, fmt: str | None = None) -> str:
    """The format of a document written to ``path``: ``fmt`` when given, else docx for a
    ``.docx`` name and PDF for any other. A format the name contradicts is refused."""
    from .errors import ValidationError

    suffix = Path(path).suffix.lower().lstrip(".") if path is not None else ""
    if fmt is None:
        return "docx" if suffix == "docx" else "pdf"
    if fmt not in DOCUMENT_FORMATS:
        raise ValidationError.single("format", _(
            "Unknown format \u201c{format}\u201d: use pdf or docx.").format(format=fmt))
    if suffix in DOCUMENT_FORMATS and suffix != fmt:
        raise ValidationError.single("out", _(
            "The file's name ends in .{suffix} but the format is {format}: name it "
            "\u2026.{format}.").format(suffix=suffix, format=fmt))
    return fmt


def _as(fmt: str):
    """Renderers write a Word copy while this is in effect (``docx_writer.as_word``: their
    story goes to ``documents.docx_writer.WordDocument`` instead of the PDF)."""
    if fmt != "docx":
        from ..documents.layout import writing_with

        return writing_with(None)  # a PDF, even inside a Word copy's work
    from ..documents.docx_writer import as_word

    return as_word()



def print_minutes(session: Session, minutes_id: str, path: str | Path,
                  lang: str | None = None, copy: str = "office",
                  fmt: str | None = None) -> int | None:
    """The minutes (or an addendum) as PDF, or its Word copy (``fmt`` docx, or a .docx
    name); returns the page count (None for a Word copy).

    ``copy``: "office" (every citizen, the office's copy) or "citizens" (a signature page
    for each citizen with only that citizen on it)."""
    from ..documents.minutes import COPIES, render_minutes_record
    from . import minutes as minutes_service
    from .errors import ValidationError

    if copy not in COPIES:
        raise ValidationError.single("copy", _(
            "Choose the copy to print: the office's copy or the citizens' signature pages."))
    fmt = document_format(path, fmt)
    if copy == "citizens" and fmt == "docx":
        raise ValidationError.single("format", _(
            "The citizens' signature pages are made as PDF only: each citizen signs the "
            "printed page. Save the office's copy as Word instead."))
    m = minutes_service.get_minutes(session, minutes_id)

    def render(e: Exit) -> int | None:
        with _as(fmt):
            return render_minutes_record(session, m.id, str(e.target), lang=lang,
                                         cleared=e.shield.cleared, shield=e.shield, copy=copy)

    return produce(session, "minutes", path, render, record_id=m.id, unit_id=m.unit_id,
                   scope={"number": m.number, "copy": copy, "format": fmt})


def print_notice(session: Session, notice_id: str, path: str | Path,
                 lang: str | None = None, fmt: str | None = None) -> int | None:
    from ..documents.notices import render_notice
    from ..model import ConcludingNotice

    fmt = document_format(path, fmt)
    notice = session.get(ConcludingNotice, notice_id)

    def render(e: Exit) -> int | None:
        with _as(fmt):
            return render_notice(session, notice_id, str(e.target), lang=lang,
                                 shield=e.shield)

    return produce(session, "notice", path, render,
                   record_id=notice_id, unit_id=notice.unit_id if notice else None,
                   scope={"number": notice.number if notice else None, "format": fmt})


def print_logbook(session: Session, unit_id: str, date_from: date | None,
                  date_to: date | None, path: str | Path, lang: str | None = None,
                  unit_ids: list[str] | None = None,
                  fmt: str | None = None) -> tuple[int, int | None]:
    """The log book as PDF or its Word copy; returns (rows, pages: None for Word)."""
    from ..documents.logbook import render_logbook

    fmt = document_format(path, fmt)

    def render(e: Exit) -> tuple[int, int | None]:
        with _as(fmt):
            return render_logbook(session, unit_id, date_from, date_to, str(e.target),
                                  lang=lang, cleared=e.shield.cleared, unit_ids=unit_ids,
                                  shield=e.shield)

    return produce(session, "logbook", path, render, unit_id=unit_id,
                   scope={"from": date_from, "to": date_to, "units": unit_ids,
                          "format": fmt})


def save_logbook_xlsx(session: Session, unit_ids: list[str], date_from: date | None,
                      date_to: date | None, path: str | Path, lang: str | None = None) -> int:
    """The log book (Form 03) as an Excel workbook; returns the rows."""
    from ..documents.logbook_xlsx import write_logbook_xlsx

    return produce(session, "logbook_xlsx", path, lambda e: write_logbook_xlsx(
        session, unit_ids, date_from, date_to, e.file, lang=lang,
        cleared=e.shield.cleared, shield=e.shield),
        unit_id=unit_ids[0] if unit_ids else None,
        scope={"from": date_from, "to": date_to, "units": unit_ids})


def print_slip(session: Session, unit_id: str, citizen_id: str, come_back_on: date,
               reason: str, path: str | Path, fmt: str | None = None,
               **options: Any) -> int | None:
    from ..documents.notices import render_appointment_slip

    fmt = document_format(path, fmt)

    def render(e: Exit) -> int | None:
        with _as(fmt):
            return render_appointment_slip(session, unit_id, citizen_id, come_back_on,
                                           reason, str(e.target), shield=e.shield, **options)

    return produce(session, "slip", path, render, record_id=citizen_id, unit_id=unit_id,
                   scope={"on": come_back_on, "format": fmt})


def print_receipt(session: Session, unit_id: str, citizen_id: str, documents: list,
                  path: str | Path, fmt: str | None = None, **options: Any) -> int | None:
    from ..documents.notices import render_receipt

    fmt = document_format(path, fmt)

    def render(e: Exit) -> int | None:
        with _as(fmt):
            return render_receipt(session, unit_id, citizen_id, documents, str(e.target),
                                  shield=e.shield, **options)

    return produce(session, "receipt", path, render, record_id=citizen_id, unit_id=unit_id,
                   scope={"documents": len(documents), "format": fmt})


def print_verifier_copy(session: Session, petition_id: str, path: str | Path,
                        lang: str | None = None, fmt: str | None = None) -> int | None:
    from ..documents.verifier_copy import render_verifier_copy
    from ..model import Petition

    fmt = document_format(path, fmt)
    p = session.get(Petition, petition_id)

    def render(e: Exit) -> int | None:
        with _as(fmt):
            return render_verifier_copy(session, petition_id, str(e.target), lang=lang)

    return produce(session, "verifier_copy", path, render,
                   record_id=petition_id, unit_id=p.unit_id if p else None,
                   scope={"ref": p.ref if p else None, "format": fmt})


# --- the periodic report ----------------------------------------------------------------

REPORT_FORMATS = ("pdf", "docx", "xlsx", "json")


def write_report(session: Session, report: Any, fmt: str, path: str | Path,
                 lang: str | None = None, narrative: dict[str, str] | None = None) -> int:
    """The periodic report (figures computed by ``reports.periodic``) as PDF, its Word
    copy (docx), XLSX or JSON; returns the PDF's pages (0 for the others). The official's
    narrative is shown to the reader as the protection lets them see it."""
    from ..reports.outputs import write_json, write_pdf, write_xlsx

    def render(e: Exit) -> int:
        if fmt in ("pdf", "docx"):
            text = None if narrative is None else {
                k: e.shield.text(v) for k, v in narrative.items()}
            if fmt == "docx":
                from ..reports.word import write_docx

                write_docx(report, text, e.file, lang=lang)
                return 0
            return write_pdf(report, text, e.file, lang=lang)
        if fmt == "xlsx":
            write_xlsx(report, e.file, lang=lang)
        else:
            write_json(report, e.file)
        return 0

    period = getattr(report, "period", None)
    return produce(session, "periodic_report", path, render,
                   unit_id=getattr(getattr(report, "unit", None), "id", None),
                   scope={"format": fmt, "from": getattr(period, "start", None),
                          "to": getattr(period, "end", None)})


def fill_report_template(session: Session, report: Any, template: str | Path,
                         path: str | Path) -> Any:
    """The upper level's workbook ``template`` filled with the periodic report's figures
    (``reports.template``); returns what filling did. Figures only: no identity."""
    from ..reports.template import fill_template

    period = getattr(report, "period", None)
    return produce(session, "periodic_report", path,
                   lambda e: fill_template(report, template, e.file),
                   unit_id=getattr(getattr(report, "unit", None), "id", None),
                   scope={"format": "xlsx-template", "template": Path(template).name,
                          "from": getattr(period, "start", None),
                          "to": getattr(period, "end", None)})


def reprint_issued_report(session: Session, issued_id: str, path: str | Path) -> int:
    """An issued report's PDF exactly as it was issued (byte for byte); returns its pages.
    Its text was blotted for every reader when it was issued (it left the office)."""
    from .report_keeping import get_issued

    row = get_issued(session, issued_id)
    return produce(session, "periodic_report", path,
                   lambda e: (e.file.write_bytes(row.pdf), row.pages)[1],
                   record_id=row.id, unit_id=row.unit_id,
                   scope={"format": "pdf", "number": row.number, "reprint": True})


def print_outgoing_register(session: Session, unit_id: str, start: date, end: date,
                            path: str | Path, fmt: str = "pdf", lang: str | None = None,
                            unit_ids: list[str] | None = None) -> tuple[int, int]:
    """The register of outgoing documents of the unit (or ``unit_ids``) for the days, as
    PDF, its Word copy (docx) or XLSX; returns (entries, pages — 0 but for the PDF)."""
    from ..reports.register import write_register_pdf, write_register_xlsx
    from .outgoing_register import outgoing_register
    from .units import get_unit

    unit = get_unit(session, unit_id)

    def render(e: Exit) -> tuple[int, int]:
        entries = outgoing_register(session, unit_ids or [unit_id], start, end,
                                    shield=e.shield)
        if fmt == "xlsx":
            write_register_xlsx(entries, start, end, e.file, lang=lang)
            return len(entries), 0
        with _as(fmt):
            pages = write_register_pdf(unit, entries, start, end, e.file, lang=lang)
        return len(entries), pages or 0

    return produce(session, "outgoing_register", path, render, unit_id=unit_id,
                   scope={"format": fmt, "from": start, "to": end})


# --- exports ----------------------------------------------------------------------------


def export_table(session: Session, kind: str, path: str | Path,
                 unit_ids: list[str] | None = None, date_from: date | None = None,
                 date_to: date | None = None, *, reveal_identity: bool = False,
                 progress: Callable[[int, int], object] | None = None) -> int:
    """Records of ``kind`` (logbook, petitions, meetings, inspections, units) as CSV or
    XLSX; returns the rows. A cleared role's file holds the identities (the audit entry
    says so); anyone else's holds ``***`` and blotted texts. ``reveal_identity`` insists
    on the identities: refused to a role not cleared."""
    from ..exchange import KINDS
    from ..exchange.exporter import ExportError, export_file

    if kind not in KINDS:
        raise ExportError(_("Unknown kind of file \u201c{kind}\u201d: use one of {kinds}.")
                          .format(kind=kind, kinds=", ".join(KINDS)))
    return produce(session, f"export_{kind}", path, lambda e: export_file(
        session, kind, e.file, unit_ids, date_from, date_to,
        reveal_identity=e.shield.cleared, progress=progress, shield=e.shield),
        reveal=reveal_identity,
        scope={"from": date_from, "to": date_to, "units": unit_ids,
               "reveal_identity": reveal_identity or protection.is_cleared()})


def export_national(session: Session, path: str | Path, scope: Any, **options: Any) -> Any:
    """The export for the national complaints database (``exchange.national``). Values
    without a national code refuse it before anything is written or audited."""
    from ..exchange.national import UnmappedCodesError, find_unmapped
    from ..exchange.national import export_national as write_national

    _check(session, OUTPUTS["national"])
    if not options.get("allow_unmapped"):
        unmapped = find_unmapped(session, scope)
        if unmapped:
            raise UnmappedCodesError(unmapped)

    return produce(session, "national", path, lambda e: _renamed(
        write_national(session, e.file, scope, **options), path),
        unit_id=scope.unit_id, scope={"from": scope.date_from, "to": scope.date_to})


def export_bundle(session: Session, path: str | Path, since: Any = None, **options: Any) -> Any:
    """The signed bundle of the home unit for the upper level (``exchange.bundle_export``)."""
    from ..exchange.bundle_export import export_bundle as write_bundle
    from .units import home_unit

    home = home_unit(session)
    # a role that does not send bundles makes a copy: the "since the last bundle" mark stays
    sent = permits(session, "bundles.send")
    result = produce(session, "bundle", path, lambda e: write_bundle(
        session, e.file, since, **options),
        unit_id=home.id if home is not None else None, scope={"since": since, "sent": sent})
    result.path = Path(path)
    result.size = result.path.stat().st_size
    return result


def _renamed(summary: Any, path: str | Path) -> Any:
    """A renderer's summary naming the real file, not the one written beside it."""
    if hasattr(summary, "path"):
        summary.path = Path(path)
    return summary


# --- on screen ----------------------------------------------------------------------------


def search(session: Session, text: str, *, limit: int = 20,
           unit_ids: list[str] | None = None, where: str = "search") -> list:
    """Search results described for the reader (``services.search_results``), every
    protected person blotted out for a role not cleared."""
    from .search_results import describe_hits

    with door(session, "search", None, scope={"query": text, "where": where}) as e:
        return [shielded_result(r, e.shield)
                for r in describe_hits(session, text, unit_ids=unit_ids, limit=limit)]


def search_listing(session: Session, text: str, unit_ids: list[str] | None = None,
                   limit: int = 50) -> list:
    """The GUI's "Search everywhere" hits (``services.search_results``), through the door:
    a protected person's hits show no name, ID number or address to a role not cleared,
    and every protected person is blotted out of the excerpts."""
    from .search_results import list_hits

    with door(session, "search", None, scope={"query": text, "where": "search_dialog"}) as e:
        return [shielded_hit(h, e.shield) for h in list_hits(session, text, unit_ids, limit)]


def shielded_hit(hit: Any, shield: protection.Shield) -> Any:
    """One listed hit as the reader may see it."""
    from dataclasses import replace

    if shield.empty:
        return hit
    hidden = hit.protected or any(shield.person(n, hit.id_number).hidden for n in hit.names) \
        or shield.names_protected(None, hit.id_number)
    if hidden:
        return replace(hit, names=[], protected=True, id_number="", address="",
                       birth_year=None, content=shield.text(hit.content))
    return replace(hit, content=shield.text(hit.content))


def shielded_result(result: Any, shield: protection.Shield) -> Any:
    """One search result as the reader may see it."""
    from dataclasses import replace

    if shield.empty:
        return result
    return replace(result, title=shield.text(result.title), detail=shield.text(result.detail))


def screenshot(db: Any, page: str, path: str | Path, take: Callable[[Path], None]) -> None:
    """A picture of a page of the window (``take(file)`` paints it), through the door:
    the pages show what the acting user may see of the records. The check and the audit
    are committed before the window opens the database itself."""
    from ..exchange.exporter import written_whole

    with db.session() as session:
        with door(session, "screenshot", None, scope={"page": page, "file": Path(path).name}):
            pass
    with written_whole(Path(path), _Target, keep_suffix=True) as target:
        take(target.path)
        target.close()
