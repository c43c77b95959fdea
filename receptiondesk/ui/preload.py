"""The pages' modules imported ahead of time, off the GUI thread.

The window builds a page the first time it is visited, and importing the page's modules
(and the report, document and service modules they pull in) took up to half a second of
that visit on the GUI thread. Once the window has shown its first page, a worker imports
them; a later visit finds them in ``sys.modules``.

Importing a Python module is safe off the GUI thread as long as the import makes no
widget (nor any other object that must live on the GUI thread: pixmaps, fonts, windows):
the project's ``ui`` modules only define classes and functions at import, and their
module-level Qt values are plain value types (``QSize``, ``QModelIndex``). Python's
import lock makes the GUI thread wait for a module the worker is half-way through, never
see it half-imported.
"""

from __future__ import annotations

import gc
import importlib
import logging
from collections.abc import Iterable

from PySide6.QtCore import QRunnable, QThreadPool

log = logging.getLogger(__name__)

#: modules a page's first use imports besides the page module itself
EXTRA_MODULES = (
    "receptiondesk.reports.saving",
    "receptiondesk.reports.periodic",
    "receptiondesk.reports.outputs",
    "receptiondesk.services.dashboard",
)


class _Import(QRunnable):
    def __init__(self, modules: tuple[str, ...]) -> None:
        super().__init__()
        self.modules = modules

    def run(self) -> None:
        for name in self.modules:
            try:
                importlib.import_module(name)
            except Exception:  # the page's own import, later, reports it to the user
                log.warning("could not import %s ahead of time", name, exc_info=True)
        try:
            # babel reads a language's dates and numbers from disk the first time they
            # are formatted (half a second on a busy machine): read them here (babel
            # guards its cache with a lock)
            from ..i18n import locale

            locale().months  # noqa: B018 - loads the locale's data
        except Exception:
            log.warning("could not read the language's data ahead of time", exc_info=True)
        # The imports made many long-lived objects: the next full garbage collection,
        # on whichever thread allocates, would walk them all (about 0.1 s, on the GUI
        # thread during a page's first visit). Collect now, while the window is idle,
        # and keep them out of later collections.
        gc.collect()
        gc.freeze()


def preload(modules: Iterable[str]) -> None:
    """Import ``modules`` on a worker of the global pool (nothing waits for it)."""
    QThreadPool.globalInstance().start(_Import(tuple(modules)))
