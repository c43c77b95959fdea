"""A clerk's day of use, compressed: drive the real main window for many actions.

    python tests/soak/day_of_use.py --db demo.db [--actions 20000] [--user clerk]

Run in its own process (``tests/test_soak.py`` does) so that an abort of the
interpreter — the way a reference-counting bug in the Qt binding ends — is seen as an
exit code, not as a crashed test runner. The actions are those of a clerk at the
desk: switching pages, typing into a list's search box and clearing it, scrolling a
list to its end (which fetches the next pages), and opening a record's form and
closing it. It prints one JSON line: actions done, seconds, and the resident memory
(current and peak) measured after the warm-up and at the end, so a leak shows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

PAGES = ("dashboard", "reception", "petitions", "meetings", "inspections", "citizens",
         "reports")
SEARCH = "nguyen van an"


def resident_mb() -> float:
    """The process's resident memory now, in MiB (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mb() -> float:
    """The process's peak resident memory so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Day:
    """The window and a counter of the actions done on it."""

    def __init__(self, app, window) -> None:
        self.app = app
        self.window = window
        self.actions = 0

    def step(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        self.actions += 1
        self.app.processEvents()
        # What the application's event loop does between two user actions: delete the
        # objects handed to deleteLater() (a script's processEvents() alone never does).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def switch(self, name: str):
        page = self.window.show_page(name)
        self.step()
        return page

    def type_and_clear(self, page) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        box = page.search
        box.setFocus()
        for char in SEARCH:
            QTest.keyClicks(box, char)
            self.step()
        self.flush(box)  # the search runs as when typing pauses
        self.step()
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(box, Qt.Key.Key_Backspace)
        self.flush(box)
        self.step()

    @staticmethod
    def flush(box) -> None:
        """A search box that waits for a pause in typing searches now; others at once."""
        if hasattr(box, "flush"):
            box.flush()

    def scroll(self, page) -> None:
        table = getattr(page, "table", None) or page.sessions_view
        table.scrollToBottom()
        self.step()
        table.scrollToTop()
        self.step()

    def open_and_close_form(self, page) -> None:
        """Open the selected record's form as the clerk does (double-click or Edit) and
        close it with Esc, through the page's own modal path."""
        from PySide6.QtCore import QTimer

        model = page.model
        if model.rowCount() == 0:
            return
        page.table.selectRow(self.actions % min(7, model.rowCount()))
        self.step()
        if page.current_id is None:
            return
        QTimer.singleShot(0, self._close_modal)
        page.edit_current()  # returns once the form is closed
        self.step()

    def _close_modal(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not shown yet: try again on the next turn of its loop
            QTimer.singleShot(0, self._close_modal)
            return
        self.actions += 1  # the form was open
        dialog.reject()


def open_main_window(db_path: str, user: str, password: str):
    """(application, database, main window): the window a clerk sees, signed in as
    ``user``, in Vietnamese, at 1366×768, shown (also the GUI stall benchmark's)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from receptiondesk.i18n import set_language
    from receptiondesk.services.accounts import sign_in, sign_in_with_password
    from receptiondesk.services.database import open_database
    from receptiondesk.ui.app import application, open_context
    from receptiondesk.ui.main_window import MainWindow

    set_language("vi")
    app = application()
    db = open_database(db_path)
    sign_in(sign_in_with_password(db, user, password))
    window = MainWindow(open_context(db), settings=None)
    window.resize(1366, 768)
    window.show()
    return app, db, window


def close_main_window(app, db, window) -> None:
    window.close()
    window.deleteLater()
    app.processEvents()
    db.close()


def soak(db_path: str, actions: int, user: str, password: str) -> dict:
    from receptiondesk.ui.worker import wait_for_background

    app, db, window = open_main_window(db_path, user, password)
    day = Day(app, window)
    started = time.monotonic()
    first: dict | None = None
    while day.actions < actions:
        for name in PAGES:
            page = day.switch(name)
            if name in ("petitions", "citizens", "reception"):
                day.type_and_clear(page)
                day.scroll(page)
            if name == "citizens":
                day.open_and_close_form(page)
        wait_for_background(5000)
        app.processEvents()
        if first is None:  # after one round every page exists: the baseline
            first = {"actions": day.actions, "resident_mb": round(resident_mb(), 1),
                     "peak_mb": round(peak_mb(), 1)}
    seconds = time.monotonic() - started
    close_main_window(app, db, window)
    return {"actions": day.actions, "seconds": round(seconds, 1), "start": first,
            "end": {"resident_mb": round(resident_mb(), 1), "peak_mb": round(peak_mb(), 1)}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--user", default="clerk")
    parser.add_argument("--password", default="clerk-demo-1")
    args = parser.parse_args(argv)
    result = soak(args.db, args.actions, args.user, args.password)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
