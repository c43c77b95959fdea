"""Crash safety (issue 6, item 6): every save is one transaction, and a save confirmed to
the user survives the process being killed at any moment.

A writer process saves a stream of records through the services — a new citizen and a
petition of theirs, one ``with db.session()`` each — and writes ``SAVED <id>`` (in one
unbuffered write) only after the commit returned: that line is the confirmation the user
would see. The test kills it with SIGKILL after a random delay, again and again on the
same file, and after each kill proves that every confirmed petition is there with its
citizen, petitioner and history step (no half-saved record), and that
``PRAGMA integrity_check`` and :func:`receptiondesk.db.integrity_problems` find nothing.

15 trials by default, in the README's test line (a quarter of a minute); ``.ci/run`` runs the
long run of 200 trials after it (``RECEPTIONDESK_KILL_TRIALS=200``).
The writers are forked from a helper process that has imported the program once (this
file run as a script), so each trial spends its time saving, not importing. One trial in
ten kills the writer while it is still opening the database (migration check, reference
data), the others while it saves; one in five waits for a first confirmed save before
its random delay, so that a slow machine still kills after confirmed saves.

What this cannot show: a power cut. SIGKILL leaves the operating system's cache intact;
whether a commit also survives a power cut depends on ``PRAGMA synchronous`` (see
receptiondesk/db.py).
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

DEFAULT_TRIALS = 15
MARK = "crash-test"
CONFIRMED = re.compile(r"SAVED ([0-9a-f]{32})")


# --- the writer (runs in the helper process, not under pytest) ---------------------------


def _say(line: str) -> None:
    """One line in one write() (a pipe writes up to 4 KB at once): a kill lands before or
    after it, never in the middle. (print() may write the text and its newline apart.)"""
    os.write(1, (line + "\n").encode())


def _writer(db_path: str, trial: int) -> None:
    from datetime import date

    from receptiondesk.services.citizens import CitizenInput, create_citizen
    from receptiondesk.services.database import open_database
    from receptiondesk.services.petitions import (
        PetitionerInput,
        PetitionInput,
        register_petition,
    )
    from receptiondesk.services.units import home_unit

    db = open_database(db_path)
    with db.session() as s:
        unit_id = home_unit(s).id
    _say(f"OPEN {trial}")
    kinds = ("complaint", "denunciation", "recommendation", "reflection")
    n = 0
    while True:
        tag = f"{MARK} {trial}-{n}"
        with db.session() as s:
            citizen = create_citizen(s, unit_id, CitizenInput(
                full_name=f"Nguyễn Thị Lần {trial}-{n}", birth_year=1960 + n % 40,
                id_number=f"{(trial * 100_000 + n) % 10**12:012d}", address=tag))
            petition = register_petition(s, unit_id, PetitionInput(
                received_date=date.today(), petition_type=kinds[n % len(kinds)],
                content=tag + " — đề nghị giải quyết tranh chấp đất đai " * (1 + n % 5),
                field_code="land",
                petitioners=[PetitionerInput(citizen.full_name, citizen.id_number,
                                             citizen.address, citizen_id=citizen.id)]))
            petition_id = petition.id
        # the commit has returned: only now is the save confirmed
        _say(f"SAVED {petition_id}")
        n += 1


def _helper(db_path: str) -> None:
    """Import everything once; fork one writer per "go <trial>" line; report its end."""
    import receptiondesk.db  # noqa: F401 - imported before forking, once
    import receptiondesk.services.citizens  # noqa: F401
    import receptiondesk.services.petitions  # noqa: F401

    _say("READY")
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] != "go":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # the writer
            code = 3
            try:
                _writer(db_path, int(words[1]))
            except BaseException:
                import traceback

                traceback.print_exc()
                code = 4
            finally:
                os._exit(code)
        _say(f"PID {pid}")
        _pid, status = os.waitpid(pid, 0)
        _say(f"EXIT {pid} {status}")


# --- the test ------------------------------------------------------------------------------


class Helper:
    """The helper process, its output read on a thread so that a writer never blocks."""

    def __init__(self, db_path: Path, log: Path) -> None:
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--helper", str(db_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            bufsize=1, cwd=Path(__file__).resolve().parent.parent)
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        self.seen: list[str] = []
        for line in self.proc.stdout:
            self.seen.append(f"{time.monotonic():.3f} {line!r}")
            self.lines.put(line.strip())
        self.lines.put("EOF")

    def next_line(self, timeout: float = 60, what=lambda: "") -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the helper process stopped answering; "
                                 + what() + "; " + _process_state(self.proc.pid)
                                 + "; " + self.stderr() + "\nlast lines:\n"
                                 + "\n".join(self.seen[-8:])) from None
        if line == "EOF":
            raise AssertionError("the helper process ended: " + self.stderr())
        return line

    def stderr(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-3000:]

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        try:
            self.send("stop")
            self.proc.stdin.close()  # type: ignore[union-attr]
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        self.log.close()


def _process_state(pid: int) -> str:
    """For a failure message: the state of a process (Linux), e.g. "D" stuck in the disk."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return f"process {pid}: gone"
    state = next((x for x in status.splitlines() if x.startswith("State:")), "")
    return f"process {pid}: {state.strip()} in {wchan or '?'}"


def run_trial(helper: Helper, trial: int, rng: random.Random) -> tuple[set[str], dict]:
    """Start a writer, kill it at a random moment; the ids it confirmed, and what happened."""
    helper.send(f"go {trial}")
    saved: set[str] = set()
    pid, opened, status = None, False, None
    early = trial % 10 == 9  # one trial in ten: killed while still opening the database

    def read(line: str) -> None:
        nonlocal pid, opened, status
        if m := CONFIRMED.fullmatch(line):  # only a whole line is a confirmation
            saved.add(m[1])
        elif m := re.fullmatch(r"PID (\d+)", line):
            pid = int(m[1])
        elif line == f"OPEN {trial}":
            opened = True
        elif m := re.search(r"EXIT (\d+) (\d+)$", line):
            status = int(m[2])
        else:
            raise AssertionError(f"unexpected output {line!r}: " + helper.stderr())

    while pid is None or not (opened or early):
        read(helper.next_line())
        if status is not None:
            raise AssertionError("the writer ended by itself: " + helper.stderr())
    if trial % 5 == 4:
        # one trial in five waits for a first confirmation, so that however slow the
        # machine, some kills fall after saves the user was told about
        while not saved:
            read(helper.next_line())
            if status is not None:
                raise AssertionError("the writer ended by itself: " + helper.stderr())
    delay = rng.uniform(0.0, 0.2) if early else rng.uniform(0.05, 1.5)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    while status is None:
        read(helper.next_line(what=lambda: _process_state(pid)))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        "the writer was not killed but ended by itself: " + helper.stderr())
    return saved, {"delay": delay, "opened": opened, "saved": len(saved)}


def verify(db_path: Path, confirmed: set[str]) -> int:
    """Every confirmed save is there, whole; the file is sound. Returns the petitions kept."""
    from receptiondesk.db import integrity_problems, make_engine, sqlite_url

    engine = make_engine(sqlite_url(db_path))
    try:  # PRAGMA integrity_check must say "ok", and no reference may be broken
        assert integrity_problems(engine) == []
    finally:
        engine.dispose()
    conn = sqlite3.connect(db_path)
    try:
        present = {r[0] for r in conn.execute(
            "SELECT id FROM petitions WHERE content LIKE ?", (MARK + " %",))}
        missing = confirmed - present
        assert not missing, f"{len(missing)} confirmed saves are lost, e.g. {sorted(missing)[:3]}"
        # one transaction each: no petition without its petitioner, citizen or history step,
        # and no citizen left without the petition saved with it
        half = conn.execute(
            """SELECT count(*) FROM petitions p WHERE p.content LIKE ? AND (
                 NOT EXISTS (SELECT 1 FROM petitioners x JOIN citizens c ON c.id = x.citizen_id
                             WHERE x.petition_id = p.id)
                 OR NOT EXISTS (SELECT 1 FROM petition_events e WHERE e.petition_id = p.id))""",
            (MARK + " %",)).fetchone()[0]
        assert half == 0, f"{half} petitions were saved in part"
        citizens = conn.execute("SELECT count(*) FROM citizens WHERE address LIKE ?",
                                (MARK + " %",)).fetchone()[0]
        assert citizens == len(present), "a citizen was saved without the petition"
    finally:
        conn.close()
    return len(present)


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                    reason="needs fork and SIGKILL (Linux, macOS)")
def test_no_confirmed_save_is_lost_when_the_process_is_killed(tmp_path):
    from receptiondesk.services.database import open_database
    from receptiondesk.services.units import UnitInput, create_unit

    trials = int(os.environ.get("RECEPTIONDESK_KILL_TRIALS", DEFAULT_TRIALS))
    seed = int(os.environ.get("RECEPTIONDESK_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    db_path = tmp_path / "crash.db"
    db = open_database(db_path)
    with db.session() as s:
        create_unit(s, UnitInput(code="DU-MP", name="Đảng ủy xã Mường Phăng",
                                 level="commune", kind="party"), home=True)
    db.close()

    helper = Helper(db_path, tmp_path / "helper.log")
    confirmed: set[str] = set()
    start = time.perf_counter()
    kills_while_saving = kills_while_opening = 0
    try:
        assert helper.next_line() == "READY"
        for trial in range(trials):
            saved, what = run_trial(helper, trial, rng)
            confirmed |= saved
            kept = verify(db_path, confirmed)
            if what["opened"]:
                kills_while_saving += 1
            else:
                kills_while_opening += 1
    finally:
        helper.close()
    elapsed = time.perf_counter() - start
    print(f"\nkill trials: {trials} (seed {seed}); killed while opening: {kills_while_opening},"
          f" while saving: {kills_while_saving}; confirmed saves: {len(confirmed)}, all "
          f"present; petitions in the file: {kept} (the rest were in flight, never "
          f"confirmed); {elapsed:.1f} s")
    assert kills_while_saving == 0 or confirmed


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--helper":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    _helper(sys.argv[2])
