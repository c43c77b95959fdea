"""Official documents as PDF (reportlab): minutes, concluding notices, the log book,
appointment slips and receipts, laid out by DESIGN §5. No Qt here.

* :mod:`.layout` — the page, the State and Party headers, signatures, ``build_pdf``;
* :mod:`.fonts` — Times New Roman or the bundled Liberation Serif, always embedded;
* :mod:`.minutes`, :mod:`.logbook`, :mod:`.notices` — the documents;
* :mod:`.commands` — ``receptiondesk print …`` for the command line.
"""
