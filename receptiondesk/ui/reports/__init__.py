"""The Reports page (``page``)."""

from .page import ReportsPage

__all__ = ["ReportsPage"]
