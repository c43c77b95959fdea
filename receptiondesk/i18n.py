"""The one place where ReceptionDesk's language lives.

Messages are looked up at call time (never at import time), so switching the
language takes effect for everything produced afterwards. Catalogs are the
gettext ``.po`` files under ``i18n/<lang>/LC_MESSAGES/receptiondesk.po``; a
compiled ``.mo`` beside a ``.po`` is used when it is at least as new, otherwise
the ``.po`` is read directly with babel so that a fresh checkout works without a
build step.

Dates, numbers and percentages are formatted with babel for the current locale.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from .files import replace_file

if TYPE_CHECKING:  # babel is imported when first needed: not before the window shows
    from babel import Locale

DOMAIN = "receptiondesk"
LANGUAGES: tuple[str, ...] = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_lock = threading.Lock()
_current = DEFAULT_LANGUAGE
_catalogs: dict[str, _gettext.NullTranslations] = {}
_listeners: list[Callable[[str], None]] = []
# A language used by one thread only, for a document printed in the other language.
_local = threading.local()


def catalog_dir() -> Path:
    """Folder holding ``<lang>/LC_MESSAGES/receptiondesk.po``."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "i18n", here / "_data" / "i18n"):
        if candidate.is_dir():
            return candidate
    return here.parent / "i18n"


def _load(lang: str) -> _gettext.NullTranslations:
    base = catalog_dir() / lang / "LC_MESSAGES"
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if po.exists():
        import io

        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        _keep_compiled(mo, buf.getvalue())
        buf.seek(0)
        return _gettext.GNUTranslations(buf)
    return _gettext.NullTranslations()


def _keep_compiled(mo: Path, data: bytes) -> None:
    """Keep the catalog compiled beside its ``.po`` (ignored by git), so that the next
    start reads the ``.mo`` instead of parsing the ``.po`` again; where the folder is
    read-only, it is simply compiled again next time."""
    import os

    tmp = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        replace_file(tmp, mo)
    except OSError:
        tmp.unlink(missing_ok=True)


def _translations() -> _gettext.NullTranslations:
    return translations_for(current_language())


def normalise_language(lang: str | None) -> str:
    """'vi_VN', 'VI', 'en-GB' → 'vi' / 'en'; anything unknown → the default."""
    if not lang:
        return DEFAULT_LANGUAGE
    short = lang.replace("-", "_").split("_")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> str:
    """Make ``lang`` current for every message and format produced afterwards."""
    global _current
    _current = normalise_language(lang)
    for listener in list(_listeners):
        listener(_current)
    return _current


def current_language() -> str:
    return getattr(_local, "lang", None) or _current


@contextmanager
def using_language(lang: str | None) -> Iterator[str]:
    """Produce messages and formats in ``lang`` in this thread only, then restore.

    Unlike :func:`set_language` it notifies no listener, so a document printed in the
    other language (possibly off the GUI thread) never retranslates open windows.
    """
    previous = getattr(_local, "lang", None)
    _local.lang = normalise_language(lang) if lang else current_language()
    try:
        yield _local.lang
    finally:
        _local.lang = previous


def add_language_listener(listener: Callable[[str], None]) -> None:
    """Called with the new language code after every :func:`set_language`."""
    _listeners.append(listener)


def remove_language_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def reload_catalogs() -> None:
    """Forget loaded catalogs (after they were recompiled)."""
    with _lock:
        _catalogs.clear()


def translations_for(lang: str) -> _gettext.NullTranslations:
    """One language's catalog, without changing the current language (for worker threads)."""
    lang = normalise_language(lang)
    cat = _catalogs.get(lang)
    if cat is None:
        with _lock:
            cat = _catalogs.get(lang)
            if cat is None:
                cat = _catalogs[lang] = _load(lang)
    return cat


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translations().gettext(message)


def gettext(message: str) -> str:
    return _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate it later with :func:`_`."""
    return message


# --- locale formats ----------------------------------------------------------


def yes_no(value: bool | None, unknown: str = "\u2014") -> str:
    """"Yes" or "No" in the current language; ``unknown`` (a dash) when not known."""
    if value is None:
        return unknown
    return _("Yes") if value else _("No")


def _dates():
    from babel import dates

    return dates


def _numbers():
    from babel import numbers

    return numbers


def locale() -> Locale:
    from babel import Locale

    return Locale.parse("vi_VN" if current_language() == "vi" else "en_GB")


def format_date(value: date | datetime | None, style: str = "short") -> str:
    """A date for lists and forms: 05/02/2026 in both languages' short style."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if style == "short":
        return _dates().format_date(value, "dd/MM/yyyy", locale=locale())
    return _dates().format_date(value, style, locale=locale())


def format_time(value: time | datetime | None) -> str:
    if value is None:
        return ""
    return _dates().format_time(value, "HH:mm", locale=locale())


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_date(value)} {format_time(value)}"


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """1.875 in Vietnamese, 1,875 in English."""
    if decimals is None:
        return _numbers().format_decimal(value, locale=locale())
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return _numbers().format_decimal(value, format=pattern, locale=locale())


def round_percent(numerator: int | float, denominator: int | float, decimals: int = 1) -> float:
    """A percentage rounded once, half up: 85.25 → 85.3. Zero when nothing to divide."""
    if not denominator:
        return 0.0
    exact = Decimal(str(numerator)) * 100 / Decimal(str(denominator))
    step = Decimal(1).scaleb(-decimals)
    return float(exact.quantize(step, rounding=ROUND_HALF_UP))


def format_percent(value: float, decimals: int = 1) -> str:
    """85,3% in Vietnamese, 85.3% in English. ``value`` is already in percent."""
    return format_number(value, decimals) + "%"
