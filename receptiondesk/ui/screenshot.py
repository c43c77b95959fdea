"""A picture of one page of the main window, rendered offscreen (for the README and for
checking that nothing is clipped or untranslated):

    receptiondesk --db FILE --lang vi screenshot --page dashboard --size 1024x768 --out d.png

The picture is exactly the size asked for (1366×768 by default).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..i18n import _

SETTLE_ROUNDS = 4


class ScreenshotError(Exception):
    """The picture cannot be taken; the message says why, in the user's language."""


def _settle(app, seconds: float = 30.0) -> None:
    """Let queued events run and background jobs (lists, dashboard figures) finish."""
    from . import ops
    from .worker import wait_for_background

    deadline = time.monotonic() + seconds
    for _round in range(SETTLE_ROUNDS):
        app.processEvents()
        wait_for_background(max(int((deadline - time.monotonic()) * 1000), 1))
        ops.wait(max(int((deadline - time.monotonic()) * 1000), 1))  # rows, then details
        app.processEvents()


def take_screenshot(
    db_path: str | None,
    database_url: str | None,
    lang: str,
    page: str,
    out: Path,
    size: tuple[int, int] = (1366, 768),
) -> None:
    """Open the database, show ``page`` of the main window at ``size`` and save it as PNG."""
    # Qt reads the platform when the application object is created: offscreen unless the
    # caller chose another (a real display shows the same pixels).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QLayout

    from ..i18n import set_language
    from ..services.database import open_database
    from .app import application, open_context
    from .main_window import PAGE_NAMES, MainWindow

    if page not in PAGE_NAMES:
        raise ScreenshotError(_("Unknown page \u201c{page}\u201d; choose one of: {pages}.").format(
            page=page, pages=", ".join(PAGE_NAMES)))
    set_language(lang)
    app = application()
    db = open_database(db_path, database_url)
    try:
        ctx = open_context(db)
        if ctx is None:
            raise ScreenshotError(_("The database has no office yet: start ReceptionDesk once "
                                    "or make a demo database first."))
        window = MainWindow(ctx, settings=None)  # never the user's remembered geometry
        # Exactly the size asked for, as on a screen of that size: a page wider or taller
        # than it is cut off in the picture, not allowed to enlarge the window.
        window.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        window.setMinimumSize(1, 1)
        window.resize(*size)
        window.show()
        _settle(app)  # the window shows its first page on a zero timer: let it pass
        window.show_page(page)
        _settle(app)
        window.setFixedSize(*size)
        app.processEvents()
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out), "PNG"):
            raise ScreenshotError(_("Cannot write the picture to {path}.").format(path=out))
        window.close()
        window.deleteLater()
        app.processEvents()
    finally:
        db.close()
