"""Qt's own strings — standard buttons, the file and print dialogs, context menus of text
fields — in the interface language.

Qt ships no Vietnamese catalog, so the application installs :class:`GettextQtTranslator`,
a ``QTranslator`` that answers Qt's ``translate(context, source)`` calls from our gettext
catalogs with ``pgettext("Qt " + context, source)``. The strings are listed, for
extraction, in :mod:`receptiondesk.ui.qt_strings`.

The translator looks the language up at call time, so it never needs reloading; after a
language switch :func:`refresh_qt_translator` re-installs it, which makes Qt send
``QEvent.LanguageChange`` to every widget: Qt's own widgets (button boxes, message
boxes, file dialogs) relabel themselves. Dialogs are made non-native
(``AA_DontUseNativeDialogs``) because the platform's native dialogs ignore translators.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from ..i18n import (
    add_language_listener,
    current_language,
    pgettext,
    remove_language_listener,
)
from .qt_strings import CONTEXT_PREFIX

# By name: touching QLocale.Language would build its several hundred members as a Python
# enum, a cost paid before the window is shown.
_QT_LOCALES = {"vi": "vi_VN", "en": "en_GB"}


class GettextQtTranslator(QTranslator):
    """Answers Qt's own translation requests from the ReceptionDesk catalogs."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        """The translation of ``source_text`` in Qt's ``context``, or None when there is none.

        None (a null QString) makes Qt fall back to the source text; an empty string would
        not: Qt would show an empty label. The disambiguation Qt passes for a few strings
        ("Type" in the file dialog, for instance) is not part of the lookup: within one Qt
        context the same source text means the same thing in our catalogs.
        """
        if not context or not source_text:
            return None
        try:
            text = pgettext(CONTEXT_PREFIX + context, source_text)
        except Exception:  # never let a lookup break a Qt dialog
            return None
        return text if text and text != source_text else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        # Qt only sends LanguageChange on install for a translator that is not empty.
        return False


_translator: GettextQtTranslator | None = None


def _apply_locale(lang: str | None = None) -> None:
    """Qt's own formats (calendar pop-ups' month and day names) follow the language."""
    QLocale.setDefault(QLocale(_QT_LOCALES.get(lang or current_language(), _QT_LOCALES["en"])))


def _installed_on(app: QCoreApplication) -> bool:
    if _translator is None or not shiboken6.isValid(_translator):
        return False
    parent = _translator.parent()
    return parent is not None and (
        shiboken6.getCppPointer(parent)[0] == shiboken6.getCppPointer(app)[0])


def install_qt_translator(app: QCoreApplication) -> GettextQtTranslator:
    """Install the translator on ``app`` once (later calls return the same one)."""
    global _translator
    from PySide6.QtCore import Qt  # (its enums are built on first import)

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    _apply_locale()
    if not _installed_on(app):
        remove_language_listener(_apply_locale)
        add_language_listener(_apply_locale)  # the formats follow every later switch
        _translator = GettextQtTranslator(app)
        app.installTranslator(_translator)
    return _translator


def remove_qt_translator(app: QCoreApplication) -> None:
    """Undo :func:`install_qt_translator` (for tests): Qt's strings are English again."""
    global _translator
    if _installed_on(app):
        app.removeTranslator(_translator)
        _translator.deleteLater()
    _translator = None
    remove_language_listener(_apply_locale)
    QLocale.setDefault(QLocale.system())


def refresh_qt_translator(app: QCoreApplication | None = None) -> None:
    """After a language switch: relabel every open Qt widget in the new language."""
    app = app or QCoreApplication.instance()
    if app is None or not _installed_on(app):
        return  # nothing to relabel: application() installs the translator
    _apply_locale()
    app.removeTranslator(_translator)
    app.installTranslator(_translator)  # sends QEvent.LanguageChange to every widget
