"""The fonts of every printed document (DESIGN §5).

Times New Roman is preferred where the system has it (every Windows PC does);
otherwise the bundled Liberation Serif, which has the same metrics and covers
Vietnamese in full, is used (licence in ``resources/fonts``). Every font is
registered as a TrueType font, so reportlab embeds it (as a subset) in the PDF;
no base-14 font is ever used.

The four faces are registered under fixed names (:data:`REGULAR`, :data:`BOLD`,
:data:`ITALIC`, :data:`BOLD_ITALIC`) and as one family, so ``<b>`` and ``<i>``
in paragraph markup pick the right face.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..i18n import _

FAMILY = "RDSerif"
REGULAR = "RDSerif"
BOLD = "RDSerif-Bold"
ITALIC = "RDSerif-Italic"
BOLD_ITALIC = "RDSerif-BoldItalic"
FACES = ("regular", "bold", "italic", "bold_italic")
_NAMES = dict(zip(FACES, (REGULAR, BOLD, ITALIC, BOLD_ITALIC), strict=True))

#: the bundled fallback, in resources/fonts
BUNDLED = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}

#: file names of Times New Roman's four faces, as the systems install them
_TIMES_NAMES: tuple[dict[str, str], ...] = (
    # Windows and the msttcorefonts package (lower case on some distributions)
    {"regular": "times.ttf", "bold": "timesbd.ttf", "italic": "timesi.ttf",
     "bold_italic": "timesbi.ttf"},
    {"regular": "Times.TTF", "bold": "Timesbd.TTF", "italic": "Timesi.TTF",
     "bold_italic": "Timesbi.TTF"},
    {"regular": "Times_New_Roman.ttf", "bold": "Times_New_Roman_Bold.ttf",
     "italic": "Times_New_Roman_Italic.ttf", "bold_italic": "Times_New_Roman_Bold_Italic.ttf"},
    # macOS (Office or the system's supplementary fonts)
    {"regular": "Times New Roman.ttf", "bold": "Times New Roman Bold.ttf",
     "italic": "Times New Roman Italic.ttf", "bold_italic": "Times New Roman Bold Italic.ttf"},
)

#: set to 1 to always use the bundled font (reproducible output, tests)
BUNDLED_ONLY_ENV = "RECEPTIONDESK_BUNDLED_FONTS"


def resources_dir() -> Path:
    """The ``resources`` folder: at the top of a checkout, or inside an installed package."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "resources", here / "_data" / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"


def _system_font_dirs() -> list[Path]:
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    dirs.append(Path("C:/Windows/Fonts"))
    local = os.environ.get("LOCALAPPDATA")
    if local:  # fonts installed for one user on Windows 10 and later
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    dirs += [
        Path("/usr/share/fonts/truetype/msttcorefonts"),
        Path("/usr/share/fonts/msttcore"),
        Path("/usr/share/fonts/msttcorefonts"),
        Path("/usr/share/fonts/truetype/msttcore"),
        Path("/usr/share/fonts/TTF"),
        Path("/usr/share/fonts/corefonts"),
        Path.home() / ".fonts",
        Path.home() / ".local" / "share" / "fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts/Supplementary"),
        Path.home() / "Library" / "Fonts",
    ]
    return dirs


def find_times_new_roman() -> dict[str, Path] | None:
    """The four faces of Times New Roman installed on this system, or None."""
    for folder in _system_font_dirs():
        try:
            if not folder.is_dir():
                continue
        except OSError:
            continue
        for names in _TIMES_NAMES:
            paths = {face: folder / name for face, name in names.items()}
            if all(p.is_file() for p in paths.values()):
                return paths
    return None


def bundled_fonts() -> dict[str, Path]:
    folder = resources_dir() / "fonts"
    return {face: folder / name for face, name in BUNDLED.items()}


@dataclass(frozen=True)
class FontSet:
    """The fonts registered for documents: which family and where its files are."""

    family_name: str  # "Times New Roman" or "Liberation Serif"
    files: dict[str, Path]
    regular: str = REGULAR
    bold: str = BOLD
    italic: str = ITALIC
    bold_italic: str = BOLD_ITALIC


_lock = threading.Lock()
_registered: FontSet | None = None


def register_fonts() -> FontSet:
    """Register the document fonts with reportlab once; returns what was registered."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is not None:
            return _registered
        files = None if os.environ.get(BUNDLED_ONLY_ENV) == "1" else find_times_new_roman()
        family = "Times New Roman"
        if files is not None:
            try:
                _register(files)
            except Exception:  # a damaged system font: fall back to the bundled one
                files = None
        if files is None:
            files = bundled_fonts()
            family = "Liberation Serif"
            missing = [str(p) for p in files.values() if not p.is_file()]
            if missing:
                raise FileNotFoundError(
                    _("The fonts for printed documents are missing: {files}").format(
                        files=", ".join(missing))
                )
            _register(files)
        _registered = FontSet(family, files)
        return _registered


def _register(files: dict[str, Path]) -> None:
    for face in FACES:
        pdfmetrics.registerFont(TTFont(_NAMES[face], str(files[face])))
    pdfmetrics.registerFontFamily(
        FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )
    # <b>/<i> markup resolves through these mappings.
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
