"""Cold start to the main window shown, and peak memory with it open, on the province
database — each beside a bare PySide6 QMainWindow in a subprocess of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

START_ROUNDS = 5

# Both scripts stop at the first paint of their main window (a QMainWindow): the moment
# the user sees it. The timer runs from launching the interpreter to the "shown" line.
# The paint is caught by QMainWindow.paintEvent, not by an application-wide event filter:
# such a filter hands every object of every event to Python, and the objects Qt makes
# inside a list or a splitter then cost PySide a few hundred enum types (about 30 ms),
# a cost of the measuring, not of the program (a bare window makes no such objects).
_SHOWN = """
import os, sys
from PySide6.QtWidgets import QApplication, QMainWindow

def _shown(self, event):
    print("shown", flush=True)
    os._exit(0)

QMainWindow.paintEvent = _shown
_app = QApplication.instance() or QApplication(sys.argv[:1])
"""

BARE_START = _SHOWN + """
window = QMainWindow()
window.resize(1280, 800)
window.show()
_app.exec()
"""

# The application's own start path: the command line with no command (cli.main → run_gui:
# settings, language, single-instance check, migrations check, the office, the window).
APP_START = _SHOWN + """
from receptiondesk.cli import main
main(["--db", sys.argv[1]])
"""

_PEAK = """
def peak_mb():
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        class Counters(ctypes.Structure):
            _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                        ("PeakWorkingSetSize", ctypes.c_size_t),
                        ("WorkingSetSize", ctypes.c_size_t),
                        ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
                        ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                        ("PagefileUsage", ctypes.c_size_t),
                        ("PeakPagefileUsage", ctypes.c_size_t)]

        c = Counters()
        c.cb = ctypes.sizeof(c)
        ctypes.windll.psapi.GetProcessMemoryInfo(
            ctypes.windll.kernel32.GetCurrentProcess(), ctypes.byref(c), c.cb)
        return c.PeakWorkingSetSize / 1048576
    if sys.platform.startswith("linux"):
        # VmHWM belongs to this program's memory; ru_maxrss would keep the high-water
        # mark of the process that forked it (Linux preserves it across exec)
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1048576 if sys.platform == "darwin" else peak / 1024
"""

BARE_MEMORY = """
import json, os, sys
from PySide6.QtWidgets import QApplication, QMainWindow
""" + _PEAK + """
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1280, 800)
window.show()
for _ in range(5):
    app.processEvents()
print(json.dumps({"peak_mb": peak_mb()}), flush=True)
os._exit(0)
"""

# The window open on the province database, every page visited once (each loads its
# first page of rows, the dashboard its figures), background jobs finished.
APP_MEMORY = """
import json, os, sys
""" + _PEAK + """
from receptiondesk.services.database import open_database
from receptiondesk.ui.app import application, open_context
from receptiondesk.ui.main_window import PAGE_NAMES, MainWindow
from receptiondesk.ui.worker import wait_for_background

app = application()
db = open_database(sys.argv[1])
ctx = open_context(db)
window = MainWindow(ctx, None)
window.resize(1280, 800)
window.show()

def settle():
    for _ in range(3):
        app.processEvents()
        wait_for_background(120_000)
        app.processEvents()

settle()
after_start = peak_mb()
for name in PAGE_NAMES:
    window.show_page(name)
    settle()
window.show_page("petitions")
settle()
print(json.dumps({"peak_mb": peak_mb(), "after_start_mb": after_start}), flush=True)
os._exit(0)
"""


def _until_shown(script: str, args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", script, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
    finally:
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if line.strip() != "shown":
        pytest.fail(f"the window was never shown: {line!r} {proc.stderr.read()[-3000:]}")
    return elapsed


def test_cold_start_to_main_window_shown(benchmark, tools, results, bench_db_path, gui_env):
    floor = tools.median_of(lambda: _until_shown(BARE_START, [], gui_env), START_ROUNDS)
    benchmark.pedantic(_until_shown, args=(APP_START, [str(bench_db_path)], gui_env),
                       rounds=START_ROUNDS, warmup_rounds=1)
    value = tools.bench_median(benchmark)
    results.add("cold start to main window shown", value, floor,
                "bare PySide6 QMainWindow shown (subprocess, interpreter start included)",
                target="≤ 1.5x floor", met=value <= 1.5 * floor)


def _peak(script: str, args: list[str], env: dict[str, str]) -> dict:
    proc = subprocess.run([sys.executable, "-c", script, *args], env=env,
                          capture_output=True, text=True, timeout=600)
    lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
    if proc.returncode != 0 or not lines:
        pytest.fail(f"memory script failed: {proc.stdout[-2000:]} {proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def test_peak_memory_with_the_main_window_open(benchmark, results, bench_db_path, gui_env):
    floor = _peak(BARE_MEMORY, [], gui_env)["peak_mb"]
    measured: dict = {}

    def run() -> None:
        measured.update(_peak(APP_MEMORY, [str(bench_db_path)], gui_env))

    benchmark.pedantic(run, rounds=1, warmup_rounds=0)
    value = measured["peak_mb"]
    benchmark.extra_info.update(measured, floor_mb=floor)
    results.add("peak memory, window open (all pages)", value, floor,
                "bare PySide6 QMainWindow shown (peak RSS)", target="< 300 MB",
                met=value < 300, unit="MB",
                note=f"{measured['after_start_mb']:.0f} MB right after start-up")
