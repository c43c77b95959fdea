"""ReceptionDesk: citizen reception log, petition tracker and official documents."""

import os as _os

# openpyxl parses a workbook's XML with lxml whenever lxml is installed (python-docx, for
# the Word copies, brings it), and lxml's parser is not defusedxml's (issue 16: no
# external entities, no entity expansion): keep openpyxl on the standard parser through
# defusedxml. Set before anything imports openpyxl.
_os.environ["OPENPYXL_LXML"] = "False"

__version__ = "0.1.0"
