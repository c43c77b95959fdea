"""Small widgets and helpers the pages and forms share: translated texts
(``texts``), the period filter (``period_filter``), the debounced search box
(``search_box``), list set-up (``tables``) and drop-down choices read from the
database (``choices``)."""
