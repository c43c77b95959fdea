"""The Windows installer script compiles (Debian's makensis, which .ci/run installs), and
refuses a build folder without both programs. .ci/run also compiles it against the real
build folder."""

from __future__ import annotations

import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKENSIS = shutil.which("makensis")
needs_makensis = pytest.mark.skipif(MAKENSIS is None, reason="apt-get install nsis")


def _folder(tmp_path: Path, *programs: str) -> Path:
    folder = tmp_path / "ReceptionDesk"
    (folder / "_internal").mkdir(parents=True)
    (folder / "_internal" / "base_library.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    for name in programs:
        (folder / name).write_bytes(b"MZ")
    return folder


def _makensis(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKENSIS, "-V2", "-WX", f"-DVERSION={version('receptiondesk')}",
         f"-DDIST={folder}", f"-DOUTFILE={out}", *extra, "installer.nsi"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


@needs_makensis
def test_the_installer_compiles_from_a_windows_build_folder(tmp_path):
    folder = _folder(tmp_path, "ReceptionDesk.exe", "receptiondesk-cli.exe")
    out = tmp_path / "ReceptionDesk-setup.exe"
    result = _makensis(folder, out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"  # a Windows program


@needs_makensis
def test_a_build_folder_without_the_command_line_program_is_refused(tmp_path):
    folder = _folder(tmp_path, "ReceptionDesk.exe")
    out = tmp_path / "ReceptionDesk-setup.exe"
    result = _makensis(folder, out)
    assert result.returncode != 0
    assert "receptiondesk-cli.exe is missing" in result.stdout + result.stderr
    assert not out.exists()


def test_the_installer_keeps_the_data_and_installs_for_every_account():
    """What the uninstaller removes is named one by one: never the whole folder the user
    chose, and never the data folder (which is not under the program's folder)."""
    script = (ROOT / "installer.nsi").read_text(encoding="utf-8")
    uninstall = script.split('Section "Uninstall"', 1)[1]
    assert 'RMDir /r "$INSTDIR"' not in uninstall
    assert 'RMDir "$INSTDIR"' in uninstall  # removed only when left empty
    assert script.count("SetShellVarContext all") == 2  # installer and uninstaller
    assert "RequestExecutionLevel admin" in script
    assert '"DisplayVersion" "${VERSION}"' in script


def test_the_installer_opens_the_machine_wide_data_folder_to_every_account():
    """The first run records where the data is in %ProgramData%\\ReceptionDesk for every
    account (location.py): the installer makes it and lets the Users group (by SID, the
    same in a Vietnamese Windows) modify it; the uninstaller leaves it."""
    script = (ROOT / "installer.nsi").read_text(encoding="utf-8")
    install, uninstall = script.split('Section "Uninstall"', 1)
    assert 'CreateDirectory "$APPDATA\\${APP}"' in install
    assert '/grant *S-1-5-32-545:(OI)(CI)M' in install
    assert "$APPDATA" not in uninstall
