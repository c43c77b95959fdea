"""The window: started with no command, or rendered to PNG with ``receptiondesk screenshot``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ..i18n import _
from .common import EXIT_OK, open_database_for, say

#: the smallest and largest window a screenshot is taken at (a picture, not a poster)
SCREENSHOT_SIZES = ((640, 480), (3840, 2160))


def parse_size(text: str) -> tuple[int, int]:
    """'1024x768' → (1024, 768): a window size in pixels, width first."""
    match = re.fullmatch(r"\s*(\d{3,4})\s*[xX×]\s*(\d{3,4})\s*", text)
    (low_w, low_h), (high_w, high_h) = SCREENSHOT_SIZES
    if match is not None:
        width, height = int(match[1]), int(match[2])
        if low_w <= width <= high_w and low_h <= height <= high_h:
            return width, height
    raise argparse.ArgumentTypeError(
        _("\u201c{value}\u201d is not a window size: write WIDTHxHEIGHT in pixels, from "
          "{low} to {high} (e.g. 1024x768)").format(
            value=text, low=f"{low_w}x{low_h}", high=f"{high_w}x{high_h}"))



def add_screenshot_parser(sub) -> None:
    """Add ``screenshot`` to the main parser's commands."""
    shot = sub.add_parser("screenshot", help=_("render a page of the main window to PNG"))
    shot.add_argument(
        "--page",
        required=True,
        choices=[
            "dashboard",
            "reception",
            "petitions",
            "meetings",
            "inspections",
            "citizens",
            "reports",
            "settings",
            "accounts",
            "audit",
        ],
    )
    shot.add_argument("--out", required=True, metavar="FILE.png")
    shot.add_argument("--size", type=parse_size, default=(1366, 768), metavar="WxH",
                      help=_("the window's size in pixels (default 1366x768)"))


def cmd_screenshot(args: argparse.Namespace) -> int:
    from ..i18n import current_language
    from ..services import outputs
    from ..ui.screenshot import take_screenshot

    def take(target: Path) -> None:
        take_screenshot(args.db, args.database_url, current_language(), args.page, target,
                        size=args.size)

    db = open_database_for(args)
    try:
        outputs.screenshot(db, args.page, Path(args.out), take)
    finally:
        db.close()
    say(_("Screenshot written: {path}").format(path=args.out))
    return EXIT_OK



def cmd_gui(args: argparse.Namespace) -> int:
    from ..ui.app import run_gui

    return run_gui(args.db, args.database_url, args.lang)
