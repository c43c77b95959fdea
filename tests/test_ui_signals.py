"""A long working day of signals does not crash the application (PySide6 6.12.0 on
Python 3.11 drops a reference to True at every emit from Python)."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import receptiondesk.ui
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication
app = QApplication([])
class Relay(QObject):
    changed = Signal(object)
relay = Relay()
relay.changed.connect(lambda value: None)
for _ in range(20000):
    relay.changed.emit(None)
print("ok")
"""


def test_twenty_thousand_emits_leave_the_interpreter_alive():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok"
