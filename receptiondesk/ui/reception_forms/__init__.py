"""The reception forms: the session form (``session_form``), the visit form
(``visit_form``), how a visit is shown in a row (``cells``) and errors under the fields of
a form in several columns (``column_errors``)."""
