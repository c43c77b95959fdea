"""The kinds of output the door out (:mod:`.outputs`) knows: each one's name, label,
permission and audit action. Plain data, so that a label can be read (as the audit log's
reader does) without loading the door and its renderers."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_

PRINT = "documents.print"
EXPORT = "data.export"


@dataclass(frozen=True)
class Output:
    """One kind of output: what it is called, the permission it takes, and whether its
    file leaves the office (then protected people are blotted out for every role)."""

    name: str
    label: str
    action: str  # the audit entry's action: print, export, search, screenshot
    permission: str | None  # None: any signed-in user (or a database without accounts)
    leaves_office: bool = False


OUTPUTS: dict[str, Output] = {o.name: o for o in (
    Output("minutes", N_("minutes"), "print", PRINT),
    Output("notice", N_("concluding notice"), "print", PRINT),
    Output("logbook", N_("log book (PDF)"), "print", PRINT),
    Output("logbook_xlsx", N_("log book (Excel)"), "print", PRINT),
    Output("slip", N_("appointment slip"), "print", PRINT),
    Output("receipt", N_("receipt for documents"), "print", PRINT),
    Output("verifier_copy", N_("copy for the verifiers"), "print", PRINT, leaves_office=True),
    Output("periodic_report", N_("periodic report (PDF, Excel, JSON)"), "print", PRINT),
    Output("outgoing_register", N_("register of outgoing documents (PDF, Excel)"), "print",
           PRINT),
    Output("export_logbook", N_("export of the log book (CSV, XLSX)"), "export", EXPORT),
    Output("export_petitions", N_("export of petitions (CSV, XLSX)"), "export", EXPORT),
    Output("export_meetings", N_("export of working meetings (CSV, XLSX)"), "export", EXPORT),
    Output("export_inspections", N_("export of inspections (CSV, XLSX)"), "export", EXPORT),
    Output("export_units", N_("export of units (CSV, XLSX)"), "export", EXPORT),
    Output("national", N_("export for the national database"), "export", EXPORT,
           leaves_office=True),
    Output("bundle", N_("bundle for the upper level"), "export", EXPORT, leaves_office=True),
    Output("search", N_("search results"), "search", None),
    Output("screenshot", N_("screenshot of a page"), "screenshot", PRINT),
)}
