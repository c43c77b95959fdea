"""The window's largest stall while a user works (issue 13: under 100 ms): every page
visited twice, a record opened on each list, a citizen's form opened and saved, with a
10 ms probe timer on the event loop (``gui_stalls.py``, run in a fresh interpreter).

The save changes one demo citizen's phone number in the benchmark database.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("gui_stalls.py")
TARGET_MS = 100


def test_largest_stall_of_the_event_loop(benchmark, results, bench_db_path, gui_env):
    def run() -> dict:
        proc = subprocess.run([sys.executable, str(SCRIPT), "--db", str(bench_db_path)],
                              env=gui_env, capture_output=True, text=True, timeout=600,
                              check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    found = benchmark.pedantic(run, rounds=1, iterations=1)
    actions = dict(found["actions"])
    again = max(v for k, v in actions.items() if k.endswith("again"))
    working = max(v for k, v in actions.items() if not k.startswith("visit "))
    results.add("largest event-loop stall, anything", found["largest_stall_ms"] / 1000, None,
                "", target=f"< {TARGET_MS} ms",
                met=found["largest_stall_ms"] < TARGET_MS, note=found["worst_action"])
    results.add("largest stall, a page shown again", again / 1000, None, "",
                target=f"< {TARGET_MS} ms", met=again < TARGET_MS)
    results.add("largest stall, record opened / form opened and saved", working / 1000, None,
                "", target=f"< {TARGET_MS} ms", met=working < TARGET_MS)
