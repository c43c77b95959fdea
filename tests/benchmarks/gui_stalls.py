"""How long the window's event loop stalls while a user works: every page visited, a
record opened on each list, a citizen's form opened and saved.

    python tests/benchmarks/gui_stalls.py --db prov.db [--user admin --password admin-demo-1]

A probe timer fires every 10 ms; the longest gap between two of its ticks, less the
10 ms, is the longest time the window could not repaint or answer a key. Each action is
started from the event loop (as a click is) and the next one waits until the action's
background work has finished and its results were shown. Prints one JSON line: the
largest stall, and each action with its own largest stall (milliseconds).
Run in its own process (``tests/benchmarks/test_gui_stalls.py`` does).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

TICK_MS = 10
#: an action is over once its background work ended and this long passed without any
QUIET_MS = 150
PAGES = ("dashboard", "reception", "petitions", "meetings", "inspections", "citizens",
         "reports", "settings", "accounts", "audit")
LISTS = ("reception", "petitions", "meetings", "inspections", "citizens")


class Probe:
    """The event loop's latency: the largest gap between ticks of a 10 ms timer."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.largest = 0.0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def reset(self) -> float:
        """The largest stall since the last reset (ms), and start again."""
        self._tick()
        largest, self.largest = self.largest, 0.0
        return largest

    def _tick(self) -> None:
        now = time.perf_counter()
        self.largest = max(self.largest, (now - self.last) * 1000 - TICK_MS)
        self.last = now


def busy() -> bool:
    """Background work of the window still running or not yet delivered."""
    from PySide6.QtCore import QThreadPool

    ops = sys.modules.get("receptiondesk.ui.ops")
    pending = ops.pending() if ops is not None else 0
    return pending > 0 or QThreadPool.globalInstance().activeThreadCount() > 0


def actions(window):
    """(label, callable) in the order a user takes them."""

    def visit(name):
        return lambda: window.show_page(name)

    def open_first(name):
        def run():
            page = window.pages[name]
            table = getattr(page, "table", None) or getattr(page, "sessions_view", None)
            if table is not None and table.model().rowCount() > 1:
                table.selectRow(1)
        return run

    state: dict = {}

    def open_form():
        page = window.pages["citizens"]
        if page.current_id is None:
            page.table.selectRow(0)
        state["dialog"] = dialog = page.make_citizen_dialog(page.current_id)
        dialog.show()

    def save_form():
        dialog = state.pop("dialog")
        dialog.phone.setText("0912 345 678" if dialog.phone.text() != "0912 345 678"
                             else "0912 345 679")
        # the save runs on a worker (ui/ops.py): the page reloads once it is accepted,
        # as the page does after exec() returns
        dialog.accepted.connect(lambda: window.pages["citizens"]._saved("saved"))
        dialog.try_save()

    yield from ((f"visit {n}", visit(n)) for n in PAGES)  # each page built, then loaded
    yield from ((f"visit {n} again", visit(n)) for n in PAGES)  # built: only its data
    for name in LISTS:
        yield f"open a record ({name})", visit(name)
        yield f"  row chosen ({name})", open_first(name)
    yield "open a citizen's form", open_form
    yield "save the citizen's form", save_form
    yield "back to the dashboard", visit("dashboard")


def run(db_path: str, user: str, password: str) -> dict:
    # the soak test's window: the same clerk, language and size
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "soak"))
    from day_of_use import close_main_window, open_main_window
    from PySide6.QtCore import QTimer

    app, db, window = open_main_window(db_path, user, password)
    probe = Probe()
    todo = list(actions(window))
    figures: list[tuple[str, float]] = []
    state = {"label": None, "quiet_since": None}

    def next_action() -> None:
        if busy():
            state["quiet_since"] = None
            QTimer.singleShot(5, next_action)
            return
        now = time.perf_counter()
        if state["quiet_since"] is None:
            state["quiet_since"] = now
        if (now - state["quiet_since"]) * 1000 < QUIET_MS:
            QTimer.singleShot(5, next_action)
            return
        state["quiet_since"] = None
        largest = probe.reset()
        if state["label"] is not None:
            figures.append((state["label"], round(largest, 1)))
        if not todo:
            app.exit(0)  # quit() asks the windows first, and the main window may refuse
            return
        label, act = todo.pop(0)
        state["label"] = label
        act()
        QTimer.singleShot(0, next_action)

    def begin() -> None:  # the first page shown and settled: start measuring
        probe.start()
        next_action()

    # The window shows its first page on a zero timer; measuring starts once it settled.
    QTimer.singleShot(500, lambda: wait_then(begin))

    def wait_then(fn) -> None:
        if busy():
            QTimer.singleShot(20, lambda: wait_then(fn))
        else:
            fn()

    app.exec()
    close_main_window(app, db, window)
    worst = max(figures, key=lambda f: f[1])
    return {"largest_stall_ms": worst[1], "worst_action": worst[0], "actions": figures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin-demo-1")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.db, args.user, args.password), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
