"""The reception forms (``visit_form``)."""

from .visit_form import SessionDialog, VisitDialog, _earlier, citizen_cell, handling_cell, one_line

__all__ = ["SessionDialog", "VisitDialog", "_earlier", "citizen_cell", "handling_cell",
           "one_line"]
