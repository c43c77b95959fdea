"""Settings ▸ Office and language: the interface language, switched at once for every
open page and dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout

from ...i18n import _, current_language, set_language
from ..context import AppContext
from ..qt_translation import refresh_qt_translator

#: language codes and their names, each written in its own language (never translated)
LANGUAGE_NAMES = (("vi", "Tiếng Việt"), ("en", "English"))


def change_language(ctx: AppContext, lang: str) -> None:
    """Make ``lang`` the interface language now and at the next start."""
    from ..app import app_settings

    lang = set_language(lang)
    refresh_qt_translator()  # Qt's own buttons and dialogs follow
    settings = app_settings()
    settings.setValue("ui/language", lang)
    settings.sync()
    ctx.signals.language_changed.emit(lang)


class LanguageTab(QGroupBox):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.language = QComboBox()
        self.language.setObjectName("language_choice")
        for code, name in LANGUAGE_NAMES:
            self.language.addItem(name, code)
        self.language.currentIndexChanged.connect(self._chosen)
        self.caption = QLabel()
        self.caption.setBuddy(self.language)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.language.setMinimumWidth(240)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.caption, self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)

    def retranslate(self) -> None:
        self.setTitle(_("Interface"))
        self.caption.setText(_("&Language:"))
        self.note.setText(_("The change takes effect at once and is kept for the next start. "
                            "Forms that are open keep what you have typed."))
        self.language.blockSignals(True)
        self.language.setCurrentIndex(max(self.language.findData(current_language()), 0))
        self.language.blockSignals(False)

    def _chosen(self, _index: int) -> None:
        lang = self.language.currentData()
        if lang and lang != current_language():
            change_language(self.ctx, lang)
