"""An unexpected error is written to the log and told to the user, never lost."""

from __future__ import annotations

import argparse
import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from receptiondesk import crashlog
from receptiondesk.cli import common, entry


@pytest.fixture(autouse=True)
def log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(crashlog.ENV_LOG_DIR, str(tmp_path / "logs"))
    yield tmp_path / "logs"
    crashlog.uninstall()


def _boom(_args) -> int:
    raise RuntimeError("ổ đĩa hỏng giữa chừng")


def test_the_command_line_prints_a_message_and_logs_the_traceback(monkeypatch, capsys, log_dir):
    monkeypatch.setitem(entry.COMMANDS, "codes", _boom)
    code = entry.run(argparse.Namespace(command="codes", user=None, db=None, database_url=None))
    err = capsys.readouterr().err
    assert code == common.EXIT_ERROR
    assert "Traceback" not in err
    assert "unexpected error" in err and "ổ đĩa hỏng giữa chừng" in err
    assert str(log_dir / "receptiondesk.log") in err
    logged = (log_dir / "receptiondesk.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "_boom" in logged and "ổ đĩa hỏng giữa chừng" in logged


def test_an_error_in_a_worker_thread_reaches_the_user_and_the_log(log_dir):
    told: list[str] = []
    crashlog.install(told.append)

    def work() -> None:
        raise ValueError("bad figure")

    thread = threading.Thread(target=work, name="report-worker")
    thread.start()
    thread.join()
    assert len(told) == 1 and "bad figure" in told[0] and "receptiondesk.log" in told[0]
    logged = (log_dir / "receptiondesk.log").read_text(encoding="utf-8")
    assert "report-worker" in logged and "ValueError: bad figure" in logged


def test_the_message_is_in_vietnamese_for_a_vietnamese_user(log_dir):
    from receptiondesk.i18n import set_language

    set_language("vi")
    message = crashlog.report(OSError("x"))
    assert "ReceptionDesk gặp lỗi không lường trước" in message
    assert str(log_dir) in message


def test_the_window_shows_an_error_of_a_qt_slot(qtbot, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from receptiondesk.ui.app import CrashNotice

    shown: list[str] = []
    monkeypatch.setattr(CrashNotice, "_show", lambda self, message: shown.append(message))
    window = QWidget()
    qtbot.addWidget(window)
    CrashNotice(window)

    def slot() -> None:
        raise KeyError("missing page")

    QTimer.singleShot(0, slot)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "missing page" in shown[0]


def test_an_error_of_a_worker_thread_is_shown_on_the_gui_thread(qtbot, monkeypatch):
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QWidget

    from receptiondesk.ui.app import CrashNotice

    threads: list[bool] = []
    monkeypatch.setattr(CrashNotice, "_show", lambda self, message: threads.append(
        QThread.currentThread() is self.thread()))
    window = QWidget()
    qtbot.addWidget(window)
    CrashNotice(window)
    worker = threading.Thread(target=lambda: 1 / 0)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(threads), timeout=5000)
    assert threads == [True]


def test_a_long_database_error_is_cut_for_the_user_and_kept_whole_in_the_log(log_dir):
    statement = "INSERT INTO petition_events " + "(x) " * 2000
    message = crashlog.report(RuntimeError("foreign key violated\n[SQL: " + statement + "]"))
    assert "foreign key violated" in message and "INSERT INTO" not in message
    assert len(message) < 1000
    assert statement.strip() in (log_dir / "receptiondesk.log").read_text(encoding="utf-8")
