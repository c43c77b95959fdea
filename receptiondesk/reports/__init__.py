"""Reports: the figures the office sends up (periodic reports), computed from records.

``periods`` defines the reporting periods, ``periodic`` computes the periodic report with
SQL aggregates, ``outputs`` writes it as PDF, XLSX or JSON and ``commands`` adds
``receptiondesk report periodic`` to the command line. Nothing here imports Qt.
"""

from .periods import (
    Period,
    custom_period,
    month_period,
    nine_months_period,
    period_for_preset,
    previous_period,
    q1_period,
    six_months_period,
    term_period,
    year_period,
)

__all__ = [
    "Period",
    "custom_period",
    "month_period",
    "nine_months_period",
    "period_for_preset",
    "previous_period",
    "q1_period",
    "six_months_period",
    "term_period",
    "year_period",
]
