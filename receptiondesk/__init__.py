"""ReceptionDesk: citizen reception log, petition tracker and official documents."""

__version__ = "0.1.0"
