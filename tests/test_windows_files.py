"""The suite's stand-in for Windows' rule on open files (tests/windows_files.py) is in force:
the program's own rename of a file it holds open is refused, as on Windows."""

from __future__ import annotations

import os

import pytest

from receptiondesk import files


def test_the_program_may_not_replace_a_file_it_holds_open(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "WAIT_SECONDS", 0.1)  # the scanner's grace, shortened
    source, target = tmp_path / "new.pdf", tmp_path / "minutes.pdf"
    source.write_bytes(b"new")
    target.write_bytes(b"old")
    with target.open("rb"):
        with pytest.raises(PermissionError, match="Windows rule"):
            files.replace_file(source, target)
    assert target.read_bytes() == b"old"
    files.replace_file(source, target)  # closed: allowed
    assert target.read_bytes() == b"new"


def test_the_open_database_file_counts_as_open(tmp_path, monkeypatch):
    """SQLite's own descriptors are seen too (a restore over a database still open)."""
    import sqlite3

    monkeypatch.setattr(files, "WAIT_SECONDS", 0.1)
    database, replacement = tmp_path / "office.db", tmp_path / "restored.db"
    replacement.write_bytes(b"")
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE t (x)")
    try:
        with pytest.raises(PermissionError, match="Windows rule"):
            files.replace_file(replacement, database)
    finally:
        connection.close()


def test_the_tests_own_file_handling_is_left_alone(tmp_path):
    path = tmp_path / "held.txt"
    path.write_text("x", encoding="utf-8")
    with path.open("rb"):
        os.replace(path, tmp_path / "moved.txt")  # a test's own call: Linux rules
    assert (tmp_path / "moved.txt").exists()


def test_a_default_encoding_in_the_programs_code_is_an_error():
    """With PYTHONWARNDEFAULTENCODING=1 (.ci/run) Python warns where a text file is opened
    without an encoding; in the program's code the warning fails the test."""
    import warnings

    with pytest.raises(EncodingWarning):
        warnings.warn_explicit("'encoding' argument not specified", EncodingWarning,
                               files.__file__, 1, module="receptiondesk.files")
    with warnings.catch_warnings(record=True):
        warnings.warn_explicit("'encoding' argument not specified", EncodingWarning,
                               __file__, 1, module="test_windows_files")  # a test's: no
