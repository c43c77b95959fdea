"""Draw the application icon: ``receptiondesk.png`` (256 px, the window icon) and
``receptiondesk.ico`` (16-256 px, the Windows executables, shortcuts and installer).

Run it again only to change the icon; both files are kept in the repository:

    QT_QPA_PLATFORM=offscreen .venv/bin/python resources/icons/draw_icon.py
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

HERE = Path(__file__).resolve().parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int) -> QImage:
    """A register on a dark blue tile: a white page with ruled lines and a red seal."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 44 * s, 44 * s)
    p.fillPath(tile, QColor("#123a73"))
    page = QPainterPath()
    page.addRoundedRect(QRectF(58 * s, 38 * s, 140 * s, 180 * s), 10 * s, 10 * s)
    p.fillPath(page, QColor("#ffffff"))
    if size >= 24:  # ruled lines vanish below 24 px; the page and seal remain
        pen = QPen(QColor("#123a73"))
        pen.setWidthF(max(1.0, 9 * s))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        for y in (78, 108, 138):
            p.drawLine(int(82 * s), int(y * s), int(174 * s), int(y * s))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#c62828"))
    p.drawEllipse(QRectF(128 * s, 150 * s, 56 * s, 56 * s))
    p.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(pngs: list[tuple[int, bytes]]) -> bytes:
    """An ICO file whose entries are PNG images (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, payload = b"", b""
    for size, png in pngs:
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png),
                               offset + len(payload))
        payload += png
    return header + entries + payload


def main() -> int:
    QGuiApplication(sys.argv[:1])
    pngs = [(size, png_bytes(draw(size))) for size in SIZES]
    (HERE / "receptiondesk.png").write_bytes(pngs[-1][1])
    (HERE / "receptiondesk.ico").write_bytes(ico_bytes(pngs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
