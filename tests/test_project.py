"""The project's own promises: the README's quick start is what CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ci_test_line() -> str:
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if "pytest" in line and not line.startswith("#"))


def test_ci_runs_the_readme_test_line_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ci_test_line() in [line.strip() for line in readme.splitlines()]


def test_no_qt_below_the_user_interface():
    offenders = []
    for path in (ROOT / "receptiondesk").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "receptiondesk").parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "import PySide6" in text or "from PySide6" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_create_all_in_production_code():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "receptiondesk").rglob("*.py")
        if "create_all(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_wheel_carries_compiled_catalogs_fonts_and_migrations(tmp_path):
    """An installed (non-editable) copy finds its catalogs, fonts and migrations."""
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w",
                    str(tmp_path)], check=True, capture_output=True, timeout=600)
    (wheel,) = tmp_path.glob("receptiondesk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("vi", "en"):
        assert f"receptiondesk/_data/i18n/{lang}/LC_MESSAGES/receptiondesk.mo" in names
    assert "receptiondesk/_data/resources/fonts/LiberationSerif-Regular.ttf" in names
    assert "receptiondesk/_data/resources/icons/receptiondesk.png" in names  # window icon
    assert not any(name.endswith("draw_icon.py") for name in names)
    assert "receptiondesk/migrations/env.py" in names
    assert "receptiondesk/migrations/versions/0001_initial_schema.py" in names
