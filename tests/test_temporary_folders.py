"""The program's temporary folders: those a run left behind (a shut-down, a crash) are
removed at the next start, a recent one (another copy running) is kept, and the preview
does not hold its PDF open (Windows could neither replace nor remove it)."""

from __future__ import annotations

import os
import time

from receptiondesk import files


def _folder(root, name: str, age_hours: float, now: float):
    folder = root / name
    (folder / "sub").mkdir(parents=True)
    paper = folder / "sub" / "don-to-cao.pdf"
    paper.write_bytes(b"%PDF-1.4 a citizen's paper")
    stamp = now - age_hours * 3600
    for path in (paper, folder / "sub", folder):
        os.utime(path, (stamp, stamp))
    return folder


def test_folders_left_by_an_ended_run_are_removed_and_recent_ones_kept(tmp_path):
    now = time.time()
    old_opened = _folder(tmp_path, "receptiondesk-opened-abc", 30, now)
    old_preview = _folder(tmp_path, "receptiondesk-preview-def", 48, now)
    running = _folder(tmp_path, "receptiondesk-opened-ghi", 2, now)
    not_ours = _folder(tmp_path, "otherprogram-opened-jkl", 100, now)
    assert files.remove_stale_temporary_folders(tmp_path, now=now) == 2
    assert not old_opened.exists() and not old_preview.exists()
    assert running.exists() and not_ours.exists()


def test_a_recent_file_keeps_an_old_folder(tmp_path):
    now = time.time()
    folder = _folder(tmp_path, "receptiondesk-opened-abc", 30, now)
    (folder / "sub" / "just-opened.pdf").write_bytes(b"%PDF")  # written now
    assert files.remove_stale_temporary_folders(tmp_path, now=now) == 0
    assert folder.exists()


def test_the_opened_copies_folder_is_one_the_start_up_knows(tmp_path, monkeypatch):
    import tempfile

    from receptiondesk.services import attachments

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(attachments, "_opened_folder", None)
    path = attachments.private_path("bien-ban.pdf")
    try:
        assert path.parent.parent.name.startswith("receptiondesk-opened-")
        assert path.parent.parent.parent == tmp_path
    finally:
        attachments.remove_opened_copies()


def _open_paths() -> set[str]:
    found = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return found


def test_the_preview_reads_its_pdf_into_memory(qtbot, tmp_path):
    from reportlab.pdfgen import canvas

    from receptiondesk.ui.report_forms import PdfPreview

    path = tmp_path / "preview.pdf"
    pdf = canvas.Canvas(str(path))
    for page in range(3):
        pdf.drawString(100, 700, f"page {page + 1}")
        pdf.showPage()
    pdf.save()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    assert preview.load(path) == 3
    if os.path.isdir("/proc/self/fd"):
        assert str(path.resolve()) not in _open_paths()
    path.unlink()  # Windows would refuse this for a file the viewer holds
    assert preview.page_count() == 3
    preview.go_to(2)
    assert preview.current_page() == 2
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    assert preview.load(tmp_path / "broken.pdf") == 0
    assert preview.path is None
