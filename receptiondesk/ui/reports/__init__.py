"""The Reports page (``page``) and its parts: the documents it produces
(``documents``), background jobs and the preview (``jobs``), printing and saving
(``print_and_save``), the minutes panel (``minutes_panel``), the narrative
(``narrative``) and the figures by unit (``unit_figures``)."""

from .page import ReportsPage

__all__ = ["ReportsPage"]
