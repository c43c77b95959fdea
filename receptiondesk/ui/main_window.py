"""The main window: navigation pane, pages, menus, global search and status bar."""

from __future__ import annotations

import importlib
import sys

# Not Qt's namespace (``Qt``): importing it builds its hundred-odd enums, a cost the window
# would pay before it is first painted; the few uses import it where they are.
from PySide6.QtCore import QSettings, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from .. import __version__
from ..i18n import N_, _
from ..services.record_kinds import RecordKind
from .context import AppContext
from .page import Page

# (name, module, class, navigation title) — pages are imported when first shown,
# so the window opens without loading every area.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("dashboard", "dashboard", "DashboardPage", N_("Dashboard")),
    ("reception", "reception", "ReceptionPage", N_("Reception log")),
    ("petitions", "petitions", "PetitionsPage", N_("Petitions")),
    ("meetings", "meetings", "MeetingsPage", N_("Meetings and notices")),
    ("inspections", "inspections", "InspectionsPage", N_("Inspections")),
    ("citizens", "citizens", "CitizensPage", N_("Citizens")),
    ("reports", "reports", "ReportsPage", N_("Reports")),
    ("settings", "settings", "SettingsPage", N_("Settings")),
    ("accounts", "accounts", "AccountsPage", N_("Accounts")),
    ("audit", "audit", "AuditPage", N_("Audit log")),
)
PAGE_NAMES = tuple(p[0] for p in PAGES)
#: the window's first size, when the screen has room for it
PREFERRED_SIZE = QSize(1280, 800)
#: the navigation's first width: its longest entry in either language, no more
NAV_WIDTH = 180
#: what the window manager adds around the window: borders, and the title bar above
FRAME = QSize(16, 40)


class MainWindow(QMainWindow):
    """The window; built with ``ctx=None`` it is the frame shown while the database opens
    (start-up paints it before the database layer is even imported), then :meth:`attach`
    hands it the open office."""

    def __init__(self, ctx: AppContext | None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.ctx: AppContext = ctx  # type: ignore[assignment] - set by attach() when None
        self.settings = settings
        self.setObjectName("main_window")
        self.pages: dict[str, Page] = {}
        self._shortcuts: list[tuple[QAction, object]] = []
        self._build()
        self.retranslate()
        self._restore_geometry()
        if ctx is None:
            self.setEnabled(False)  # no page, menu or shortcut before there is a database
            self.statusBar().showMessage(_("Opening the database…"))
        else:
            self.attach(ctx)

    def attach(self, ctx: AppContext) -> None:
        """Work on the open office: its signals, its name, the page the user left."""
        self.ctx = ctx
        for action, shortcut in self._shortcuts:
            action.setShortcut(shortcut)
        # Bound methods, not lambdas: Qt drops the connection when the window is deleted,
        # so the office's signals (which outlive a window) never reach a dead one.
        ctx.signals.language_changed.connect(self._language_changed)
        ctx.signals.status_message.connect(self._status_message)
        ctx.signals.open_record.connect(self.open_record)
        ctx.signals.data_changed.connect(self._data_changed)
        self.setEnabled(True)
        self.statusBar().clearMessage()
        self.apply_role()
        self._show_unit()
        last = "dashboard"
        if self.settings is not None:
            last = str(self.settings.value("window/page", "dashboard"))
        QTimer.singleShot(0, lambda: self.show_page(last if last in PAGE_NAMES else "dashboard"))
        # then, the window shown and idle: the other pages' modules, imported off the GUI
        # thread so that a page's first visit only builds its widgets (ui/preload.py)
        QTimer.singleShot(300, self._preload_pages)

    def _preload_pages(self) -> None:
        from .preload import EXTRA_MODULES, preload

        preload([*(f"receptiondesk.ui.{module}" for _n, module, _c, _t in PAGES),
                 *EXTRA_MODULES])

    def apply_role(self) -> None:
        """Show what the signed-in user's role may use: pages it cannot use leave the
        navigation and the View menu; File entries it may not take are disabled, their
        tooltips saying why (ui/permissions.py)."""
        from .permissions import page_allowed

        for row, (name, *_rest) in enumerate(PAGES):
            allowed = page_allowed(name)
            self.nav.setRowHidden(row, not allowed)
            self.page_actions[row].setVisible(allowed)
        self.file_menu.setToolTipsVisible(True)
        self._guard_file_menu()

    def _guard_file_menu(self, opening: bool = False) -> None:
        """The File entries this role may not take, disabled (checked again each time the
        menu opens: the bundles' module loads then, not before the window is shown)."""
        from .permissions import guard

        guard(self.act_national, "data.export")
        guard(self.act_export_bundle, "data.export")
        if not opening and "receptiondesk.services.office_keys" not in sys.modules:
            return
        from ..services.office_keys import TRUST_PERMISSIONS

        for act in (self.act_import_bundle, self.act_bundle_conflicts):
            all(guard(act, permission) for permission in TRUST_PERMISSIONS)  # first refusal

    def _language_changed(self, _lang: str) -> None:
        self.retranslate()

    def _status_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _data_changed(self, kind: str) -> None:
        if kind == RecordKind.UNIT:  # the office's name in the status bar follows Settings ▸ Office
            self._show_unit()

    # --- construction ---------------------------------------------------------

    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(170)
        self.nav.setMaximumWidth(NAV_WIDTH + 20)  # the pages need the room more
        for _page in PAGES:
            item = QListWidgetItem()  # row i is PAGES[i]
            item.setSizeHint(QSize(160, 34))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self._placeholders: dict[str, QWidget] = {}
        for name, *_rest in PAGES:
            holder = QWidget()
            self._placeholders[name] = holder
            self.stack.addWidget(holder)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([NAV_WIDTH, PREFERRED_SIZE.width() - NAV_WIDTH])  # the rest: the page
        self.setCentralWidget(splitter)
        self.nav.currentRowChanged.connect(self._on_nav)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.search_box = QLineEdit()
        self.search_box.setObjectName("global_search")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaximumWidth(420)
        self.search_box.returnPressed.connect(self._global_search)
        self.search_label = QLabel()
        self.toolbar.addWidget(self.search_label)
        self.toolbar.addWidget(self.search_box)
        self.addToolBar(self.toolbar)

        self.unit_label = QLabel()
        self.statusBar().addPermanentWidget(self.unit_label)
        self._build_menus()

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.aboutToShow.connect(
            lambda: self._guard_file_menu(opening=True) if self.ctx else None)
        self.act_new = self._action(
            QKeySequence.StandardKey.New, lambda: self.current().new_record()
        )
        self.act_print = self._action(
            QKeySequence.StandardKey.Print, lambda: self.current().print_current()
        )
        self.act_quit = self._action(QKeySequence.StandardKey.Quit, self.close)
        self.file_menu.addActions([self.act_new, self.act_print])
        self.act_national = self._action(None, self.export_national)
        self.file_menu.addAction(self.act_national)
        self.act_export_bundle = self._action(None, lambda: self.bundles("export"))
        self.act_import_bundle = self._action(None, lambda: self.bundles("import"))
        self.act_bundle_conflicts = self._action(None, lambda: self.bundles("conflicts"))
        self.file_menu.addActions([self.act_export_bundle, self.act_import_bundle,
                                   self.act_bundle_conflicts])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        self.edit_menu = bar.addMenu("")
        self.act_find = self._action(QKeySequence.StandardKey.Find, self._find)
        self.act_global = self._action(QKeySequence("Ctrl+Shift+F"), self._focus_global)
        self.edit_menu.addActions([self.act_find, self.act_global])
        self.view_menu = bar.addMenu("")
        self.page_actions: list[QAction] = []
        for i, (name, *_rest) in enumerate(PAGES, start=1):
            # ``triggered`` passes ``checked`` first: the page name must not take its place
            act = self._action(QKeySequence(f"Ctrl+{i % 10}"),  # the tenth page: Ctrl+0
                               lambda _checked=False, n=name: self.show_page(n))
            self.page_actions.append(act)
            self.view_menu.addAction(act)
        self.help_menu = bar.addMenu("")
        self.act_about = self._action(None, self._about)
        self.help_menu.addAction(self.act_about)

    def _action(self, shortcut, slot) -> QAction:
        act = QAction(self)
        if shortcut is not None:
            # given in attach(): a shortcut builds Qt's key enums, a cost the frame shown
            # before the database opens need not pay (nothing works without one anyway)
            self._shortcuts.append((act, shortcut))
        act.triggered.connect(slot)
        self.addAction(act)
        return act

    def retranslate(self) -> None:
        self.setWindowTitle(_("ReceptionDesk"))
        for row, (_name, _mod, _cls, title) in enumerate(PAGES):
            self.nav.item(row).setText(_(title))
            self.page_actions[row].setText(_(title))
        self.file_menu.setTitle(_("&File"))
        self.edit_menu.setTitle(_("&Edit"))
        self.view_menu.setTitle(_("&View"))
        self.help_menu.setTitle(_("&Help"))
        self.act_new.setText(_("&New"))
        self.act_print.setText(_("&Print…"))
        self.act_quit.setText(_("&Quit"))
        self.act_national.setText(_("Export for the national &database…"))
        self.act_export_bundle.setText(_("Export a &bundle for the upper level…"))
        self.act_import_bundle.setText(_("&Import a bundle from an office…"))
        self.act_bundle_conflicts.setText(_("Bundle &conflicts…"))
        self.act_find.setText(_("&Find in this list"))
        self.act_global.setText(_("Search &everywhere"))
        self.act_about.setText(_("&About ReceptionDesk"))
        self.search_label.setText(_("Search:") + " ")
        self.search_box.setPlaceholderText(_("Name, ID number, address or content…"))
        self._show_unit()

    def _show_unit(self) -> None:
        if self.ctx is None:
            return
        from ..services.units import get_unit

        with self.ctx.db.session() as s:
            unit = get_unit(s, self.ctx.unit_id)
            self.unit_label.setText(unit.name)

    # --- pages ----------------------------------------------------------------

    def page(self, name: str) -> Page:
        """The page called ``name``, created on first use."""
        if name not in self.pages:
            _n, module, cls, _t = next(p for p in PAGES if p[0] == name)
            mod = importlib.import_module(f"receptiondesk.ui.{module}")
            page: Page = getattr(mod, cls)(self.ctx)
            index = self.stack.indexOf(self._placeholders[name])
            self.stack.removeWidget(self._placeholders[name])
            self.stack.insertWidget(index, page)
            self.pages[name] = page
        return self.pages[name]

    def current(self) -> Page:
        return self.page(self.current_name())

    def current_name(self) -> str:
        row = max(self.nav.currentRow(), 0)
        return PAGES[row][0]

    def show_page(self, name: str) -> Page:
        from .permissions import page_allowed

        if not page_allowed(name):
            name = "dashboard"  # a page this role cannot use (a remembered one, a link)
        row = PAGE_NAMES.index(name)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)  # → _on_nav
        else:
            self._on_nav(row)
        return self.pages[name]

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        name = PAGES[row][0]
        page = self.page(name)
        self.stack.setCurrentWidget(page)
        page.activate()

    def open_record(self, kind: str, record_id: str) -> None:
        target = {"citizen": "citizens", "visit": "reception", "session": "reception",
                  "petition": "petitions", "meeting": "meetings",
                  "inspection": "inspections"}.get(kind)
        if target:
            self.show_page(target).open_record(kind, record_id)

    def _find(self) -> None:
        self.current().focus_search()

    def _focus_global(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _global_search(self) -> None:
        from .search_dialog import SearchDialog

        text = self.search_box.text().strip()
        if text:
            SearchDialog(self.ctx, text, self).exec()

    def export_national(self):
        """File ▸ Export for the national database…; its "Open Settings" shows the codes."""
        from PySide6.QtCore import Qt

        from .national_export import NationalExportDialog

        dialog = NationalExportDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def open_settings() -> None:
            page = self.show_page("settings")
            national = getattr(page, "national_tab", None)
            if national is not None:
                page.tabs.setCurrentWidget(national)

        dialog.open_settings.connect(open_settings)
        dialog.open()
        return dialog

    def bundles(self, which: str):
        """File ▸ bundles: "export", "import" or "conflicts" (see ui/bundles.py)."""
        from .bundles import open_bundle_dialog

        return open_bundle_dialog(self.ctx, which, self)

    def _about(self) -> None:
        self.about_box().exec()

    def about_box(self) -> QMessageBox:
        """The About box: the version, and where this office's data is kept."""
        box = QMessageBox(self)
        box.setObjectName("about_box")
        box.setWindowTitle(_("About ReceptionDesk"))
        box.setText(
            _("ReceptionDesk {version}\nCitizen reception log, petitions and official documents "
              "for commune and provincial offices.").format(version=__version__)
        )
        box.setInformativeText(self.data_location_text())
        box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
        if self.ctx is not None and self.ctx.db.path is not None:
            from .folder_work import open_folder

            folder = self.ctx.db.path.parent
            button = box.addButton(_("Open the data folder"), QMessageBox.ButtonRole.ActionRole)
            button.clicked.connect(lambda: open_folder(folder))
        return box

    def data_location_text(self) -> str:
        if self.ctx is None:
            return ""
        db = self.ctx.db
        if db.path is None:
            return _("Database: {address}").format(
                address=db.engine.url.render_as_string(hide_password=True))
        from .preferences import app_settings, backup_policy

        policy = backup_policy(self.settings if self.settings is not None else app_settings())
        return "\n".join((_("Database: {path}").format(path=db.path),
                          _("Backups: {folder}").format(folder=policy.folder)))

    # --- window state ---------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("window/geometry") if self.settings is not None else None
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(PREFERRED_SIZE)
        self._fit_screen()

    def _fit_screen(self) -> None:
        """Keep the window within the screen's free area (a 1366×768 laptop, a 1024×768
        office screen): never taller or wider than it, its title bar on screen."""
        from PySide6.QtGui import QGuiApplication

        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        size = self.size().boundedTo(QSize(room.width() - FRAME.width(),
                                           room.height() - FRAME.height()))
        if size != self.size():
            self.resize(size)
        x = min(max(self.x(), room.left()), room.right() - size.width() - FRAME.width())
        y = min(max(self.y(), room.top()), room.bottom() - size.height() - FRAME.height())
        if (x, y) != (self.x(), self.y()):
            self.move(max(x, room.left()), max(y, room.top()))

    def save_state(self) -> None:
        if self.settings is not None and self.ctx is not None:
            self.settings.setValue("window/geometry", self.saveGeometry())
            self.settings.setValue("window/page", self.current_name())
            self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.save_state()
        super().closeEvent(event)
