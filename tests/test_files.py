"""A finished file is put in place even while a virus scanner holds it for a moment."""

from __future__ import annotations

import os

import pytest

from receptiondesk import files


class Scanner:
    """os.replace refusing ``times`` times as Windows does while another program holds
    the file, then doing the real thing."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.tries = 0
        self.real = os.replace

    def __call__(self, src, dst) -> None:
        self.tries += 1
        if self.tries <= self.times:
            raise PermissionError(13, "The process cannot access the file because it is "
                                      "being used by another process")
        self.real(src, dst)


def test_a_short_hold_is_waited_out(tmp_path, monkeypatch):
    scanner = Scanner(times=3)
    monkeypatch.setattr(files.os, "replace", scanner)
    (tmp_path / "a.part").write_text("mới", encoding="utf-8")
    (tmp_path / "a.csv").write_text("cũ", encoding="utf-8")
    files.replace_file(tmp_path / "a.part", tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text(encoding="utf-8") == "mới"
    assert scanner.tries == 4 and not (tmp_path / "a.part").exists()


def test_a_hold_that_does_not_end_is_the_users_to_read(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "WAIT_SECONDS", 0.2)
    monkeypatch.setattr(files.os, "replace", Scanner(times=10_000))
    (tmp_path / "a.part").write_text("mới", encoding="utf-8")
    with pytest.raises(PermissionError):
        files.replace_file(tmp_path / "a.part", tmp_path / "a.csv")


def test_an_export_lands_whole_through_a_scanners_hold(session, unit, tmp_path, monkeypatch):
    from receptiondesk.exchange.exporter import export_file

    session.commit()
    monkeypatch.setattr(files.os, "replace", Scanner(times=2))
    export_file(session, "units", tmp_path / "units.csv")
    assert "DU-MP" in (tmp_path / "units.csv").read_text(encoding="utf-8-sig")
    assert not list(tmp_path.glob("*.part"))
