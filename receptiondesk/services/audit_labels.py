"""Words for the audit viewer: what a record kind and a changed field are called.

The audit log stores column names and record kinds as the model spells them, so that an
entry reads the same in any language and in ten years; the viewer shows them in the
user's language. Bookkeeping columns (the optimistic-lock version, timestamps, folded
search keys) change with every edit and tell the reader nothing: the viewer leaves them
out of the "what changed" line (the stored entry keeps them).
"""

from __future__ import annotations

from ..i18n import N_, _

RECORD_KINDS: dict[str, str] = {
    "attachment": N_("attachment"),
    "calendar_day": N_("calendar day"),
    "citizen": N_("citizen"),
    "concluding_notice": N_("concluding notice"),
    "deadline_extension": N_("deadline extension"),
    "deadline_rule_row": N_("deadline rule"),
    "duty_rule_row": N_("reception duty rule"),
    "field": N_("field of petitions"),
    "inspection": N_("inspection"),
    "key_grant": N_("office key given to a holder"),
    "minutes": N_("minutes"),
    "official": N_("official"),
    "petition": N_("petition"),
    "petition_event": N_("petition step"),
    "petitioner": N_("petitioner"),
    "protected_citizen": N_("protected person"),
    "reception_session": N_("reception session"),
    "sealing_key": N_("office's sealing key"),
    "setting": N_("setting"),
    "source_entry": N_("source of petitions"),
    "unit": N_("unit"),
    "user": N_("account"),
    "visit": N_("visit"),
    "visit_attendee": N_("visitor"),
    "working_meeting": N_("working meeting"),
}

FIELD_LABELS: dict[str, str] = {
    "where": N_("seen in"),
    "document": N_("document"),
    "accepted_date": N_("date accepted"),
    "active": N_("in use"),
    "address": N_("address"),
    "anonymous": N_("anonymous"),
    "birth_year": N_("year of birth"),
    "body": N_("inspecting body"),
    "code": N_("code"),
    "conclusions": N_("conclusions"),
    "content": N_("content"),
    "decision_date": N_("decision date"),
    "decision_number": N_("decision number"),
    "duty_role": N_("duty role"),
    "end_time": N_("end time"),
    "extension_days": N_("days of extension"),
    "field_code": N_("field"),
    "file_name": N_("file name"),
    "findings": N_("findings"),
    "follow_up": N_("follow-up"),
    "full_name": N_("full name"),
    "gender": N_("gender"),
    "handling": N_("handling"),
    "handling_date": N_("handling date"),
    "head_count": N_("number of people"),
    "id_number": N_("ID number"),
    "kind": N_("kind"),
    "legal_basis": N_("legal basis"),
    "level": N_("level"),
    "locked": N_("locked"),
    "meeting_date": N_("meeting date"),
    "members": N_("members"),
    "name": N_("name"),
    "national_code": N_("national code"),
    "next_due_date": N_("next due date"),
    "note": N_("note"),
    "notes": N_("notes"),
    "number": N_("number"),
    "participants": N_("participants"),
    "petition_type": N_("type"),
    "phone": N_("phone"),
    "place": N_("place"),
    "place_name": N_("place name"),
    "position": N_("position"),
    "reason": N_("reason"),
    "received_date": N_("date received"),
    "ref": N_("reference"),
    "remote_area": N_("remote area"),
    "result": N_("result"),
    "result_date": N_("result date"),
    "role": N_("role"),
    "session_date": N_("session date"),
    "signers": N_("signers"),
    "start_time": N_("start time"),
    "status": N_("status"),
    "text": N_("text"),
    "username": N_("user name"),
    "value": N_("value"),
    "violations_found": N_("violations found"),
    "visit_date": N_("visit date"),
    "within_competence": N_("within competence"),
}

#: columns that change with every edit or only mirror other columns
BOOKKEEPING_FIELDS = frozenset({
    "version", "created_at", "updated_at", "search_text", "name_key", "address_key",
    "sort_key", "hash", "prev_hash",
})


#: where a record was seen or what was printed ("where", "document" in an entry's detail)
PLACES: dict[str, str] = {
    "citizen history": N_("a citizen's visits and petitions"),
    "dashboard": N_("the dashboard's petitions needing attention"),
    "detail": N_("the petition's details"),
    "file": N_("an attached file opened"),
    "logbook": N_("the printed log book"),
    "minutes": N_("printed minutes"),
    "petition form": N_("the petition form"),
    "petition list": N_("the list of petitions"),
    "picker": N_("the choice of a record to print"),
    "receipt": N_("a printed receipt"),
    "reception": N_("the reception log"),
    "search": N_("search results"),
    "session": N_("a session's visits"),
    "slip": N_("a printed appointment slip"),
    "visit form": N_("the visit form"),
}
#: detail keys whose value is one of the places above
PLACE_KEYS = frozenset({"where", "document"})


def place_label(code: str) -> str:
    msg = PLACES.get(code)
    return _(msg) if msg else code


def record_kind_label(kind: str) -> str:
    msg = RECORD_KINDS.get(kind)
    if msg is None:  # an output named by the door out (services.outputs)
        from .output_kinds import OUTPUTS

        msg = OUTPUTS[kind].label if kind in OUTPUTS else None
    return _(msg) if msg else kind


def field_label(key: str) -> str:
    msg = FIELD_LABELS.get(key)
    return _(msg) if msg else key


def shown_fields(keys: list[str]) -> list[str]:
    """The keys worth a reader's attention; every key when all are bookkeeping."""
    shown = [k for k in keys if k not in BOOKKEEPING_FIELDS]
    return shown or keys
