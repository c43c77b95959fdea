"""The recovery sheet: one page with the office's recovery key, to keep in the office safe.

The key is what ``receptiondesk db reset-admin`` asks for when an administrator's
password is forgotten (:func:`receptiondesk.services.accounts.issue_recovery_key`);
the database keeps only its hash, so this page is the only copy. It is printed once,
when the key is issued, and not kept as a file (it is written to this run's private
folder, removed at exit).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from ..i18n import _, format_date
from . import fonts


def write_recovery_sheet(path: str | Path, office: str, key: str, issued: date) -> Path:
    """Write the one-page sheet; returns its path."""
    fonts.register_fonts()
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=13, leading=18,
                          spaceAfter=6)
    title = ParagraphStyle("title", parent=body, fontName=fonts.BOLD, fontSize=16,
                           leading=22, alignment=1, spaceAfter=12)
    big = ParagraphStyle("key", parent=body, fontName="Courier-Bold", fontSize=24,
                         leading=34, alignment=1, spaceBefore=12, spaceAfter=12)
    path = Path(path)
    story = [
        Paragraph(_("RECOVERY KEY OF THE ADMINISTRATOR PASSWORD"), title),
        Paragraph(_("Office: {office}").format(office=office), body),
        Paragraph(_("Issued on {date}. A key issued later replaces this one.").format(
            date=format_date(issued)), body),
        Paragraph(key, big),
        Paragraph(_("Keep this sheet in the office safe. Whoever holds it can recover the "
                    "administrator's account: do not photograph it or keep it beside the "
                    "computer."), body),
        Paragraph(_("When the administrator's password is forgotten, on the computer that "
                    "keeps the database run: receptiondesk db reset-admin --recovery-key "
                    "followed by this key. The old password keeps working until the "
                    "temporary password it gives is used; every step is written to the "
                    "audit log."), body),
    ]
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm,
                            topMargin=25 * mm, bottomMargin=20 * mm,
                            title=_("Recovery key"), creator="ReceptionDesk")
    doc.build([*story[:4], Spacer(1, 6 * mm), *story[4:]])
    return path
