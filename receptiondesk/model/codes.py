"""The canonical codes of DESIGN §8 and their labels in both languages.

Codes are stored in the database and written to files in English; labels are
translated at call time. Vietnamese labels are also accepted on import, so
:func:`parse_code` maps either language (and the folded spelling) to the code.
"""

from __future__ import annotations

from enum import StrEnum

from ..i18n import N_, _


class Level(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


class UnitKind(StrEnum):
    PARTY = "party"
    STATE = "state"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class SessionKind(StrEnum):
    REGULAR = "regular"
    UNSCHEDULED = "unscheduled"
    ROUTINE = "routine"
    DIALOGUE = "dialogue"


class SessionMode(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class PetitionType(StrEnum):
    COMPLAINT = "complaint"
    DENUNCIATION = "denunciation"
    RECOMMENDATION = "recommendation"
    REFLECTION = "reflection"
    MIXED = "mixed"


class Source(StrEnum):
    RECEPTION = "reception"
    POST = "post"
    FORWARDED = "forwarded"
    MAILBOX = "mailbox"
    ONLINE = "online"


class Handling(StrEnum):
    ACCEPT = "accept"
    GUIDE = "guide"
    FORWARD = "forward"
    URGE = "urge"
    ARCHIVE = "archive"
    RETURN = "return"


class VisitHandling(StrEnum):
    """Handling recorded in the log book (Form 03) for a visit."""

    ACCEPT = "accept"
    GUIDE = "guide"
    FORWARD = "forward"
    NONE = "none"


class Status(StrEnum):
    RECEIVED = "received"
    CLASSIFIED = "classified"
    ACCEPTED = "accepted"
    IN_RESOLUTION = "in_resolution"
    RESOLVED = "resolved"
    GUIDED = "guided"
    FORWARDED = "forwarded"
    ARCHIVED = "archived"
    RETURNED = "returned"
    CLOSED = "closed"


OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.CLASSIFIED, Status.ACCEPTED, Status.IN_RESOLUTION}
)
#: statuses counted as "processed" (classified and a handling decided)
PROCESSED_STATUSES = frozenset(set(Status) - {Status.RECEIVED, Status.CLASSIFIED})


class Result(StrEnum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    PARTLY_CORRECT = "partly_correct"
    FOUNDED = "founded"
    UNFOUNDED = "unfounded"
    PARTLY_FOUNDED = "partly_founded"
    WITHDRAWN = "withdrawn"
    #: a recommendation or reflection is answered, never judged correct or founded
    ANSWERED = "answered"


COMPLAINT_RESULTS = frozenset(
    {Result.CORRECT, Result.INCORRECT, Result.PARTLY_CORRECT, Result.WITHDRAWN}
)
DENUNCIATION_RESULTS = frozenset(
    {Result.FOUNDED, Result.UNFOUNDED, Result.PARTLY_FOUNDED, Result.WITHDRAWN}
)
#: a recommendation or a reflection gets an answer (Thông tư 05/2021/TT-TTCP handles them
#: apart from complaints and denunciations): no "correct" or "founded"
ANSWER_RESULTS = frozenset({Result.ANSWERED, Result.WITHDRAWN})


def results_for(petition_type: str) -> frozenset[str]:
    """The results a petition of this type may have: correct / incorrect for complaints
    (Luật Khiếu nại 2011), founded / unfounded for denunciations (Luật Tố cáo 2018), an
    answer for recommendations and reflections; a mixed petition, those of its parts."""
    if petition_type == "complaint":
        return COMPLAINT_RESULTS
    if petition_type == "denunciation":
        return DENUNCIATION_RESULTS
    if petition_type in ("recommendation", "reflection"):
        return ANSWER_RESULTS
    return COMPLAINT_RESULTS | DENUNCIATION_RESULTS | ANSWER_RESULTS


class MeetingKind(StrEnum):
    REGULAR = "regular"
    UNSCHEDULED = "unscheduled"


class InspectionKind(StrEnum):
    INSPECTION = "inspection"
    SUPERVISION = "supervision"


class InspectionBody(StrEnum):
    STANDING_COMMITTEE = "standing_committee"
    EXECUTIVE_COMMITTEE = "executive_committee"
    INSPECTION_COMMITTEE = "inspection_committee"
    PEOPLES_COMMITTEE = "peoples_committee"
    INSPECTORATE = "inspectorate"
    OTHER = "other"


class DutyRole(StrEnum):
    PARTY_SECRETARY = "party_secretary"
    COMMITTEE_CHAIRMAN = "committee_chairman"
    NONE = "none"


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    PRINTED = "printed"
    SIGNED = "signed"


class MinutesSubject(StrEnum):
    SESSION = "session"
    VISIT = "visit"
    DIALOGUE = "dialogue"
    MEETING = "meeting"


class EventKind(StrEnum):
    TRANSITION = "transition"
    EXTENSION = "extension"
    NOTE = "note"
    LINK = "link"
    #: the parties notified of a denunciation's acceptance (Luật Tố cáo 2018, Điều 29)
    NOTICE = "notice"


# Labels: English message ids, translated when shown.
LABELS: dict[type[StrEnum], dict[str, str]] = {
    Level: {
        "province": N_("Province"),
        "district": N_("District"),
        "commune": N_("Commune"),
    },
    UnitKind: {"party": N_("Party committee"), "state": N_("People's Committee")},
    Gender: {"male": N_("Male"), "female": N_("Female"), "other": N_("Other")},
    SessionKind: {
        "regular": N_("Regular"),
        "unscheduled": N_("Unscheduled"),
        "routine": N_("Routine desk"),
        "dialogue": N_("Dialogue"),
    },
    SessionMode: {"in_person": N_("In person"), "online": N_("Online")},
    PetitionType: {
        "complaint": N_("Complaint"),
        "denunciation": N_("Denunciation"),
        "recommendation": N_("Recommendation"),
        "reflection": N_("Reflection"),
        "mixed": N_("Mixed content"),
    },
    Source: {
        "reception": N_("At a reception session"),
        "post": N_("By post"),
        "forwarded": N_("Forwarded by another body"),
        "mailbox": N_("Mailbox"),
        "online": N_("Online"),
    },
    Handling: {
        "accept": N_("Accept for resolution"),
        "guide": N_("Guide to the competent body"),
        "forward": N_("Forward"),
        "urge": N_("Urge the responsible body"),
        "archive": N_("Archive"),
        "return": N_("Return documents"),
    },
    VisitHandling: {
        "accept": N_("Accepted"),
        "guide": N_("Guided"),
        "forward": N_("Forwarded"),
        "none": N_("None"),
    },
    Status: {
        "received": N_("Received"),
        "classified": N_("Classified"),
        "accepted": N_("Accepted"),
        "in_resolution": N_("In resolution"),
        "resolved": N_("Resolved"),
        "guided": N_("Guided"),
        "forwarded": N_("Forwarded"),
        "archived": N_("Archived"),
        "returned": N_("Returned"),
        "closed": N_("Closed"),
    },
    Result: {
        "correct": N_("Correct"),
        "incorrect": N_("Incorrect"),
        "partly_correct": N_("Partly correct"),
        "founded": N_("Founded"),
        "unfounded": N_("Unfounded"),
        "partly_founded": N_("Partly founded"),
        "withdrawn": N_("Withdrawn"),
        "answered": N_("Answered"),
    },
    MeetingKind: {"regular": N_("Regular"), "unscheduled": N_("Unscheduled")},
    InspectionKind: {"inspection": N_("Inspection"), "supervision": N_("Supervision")},
    InspectionBody: {
        "standing_committee": N_("Standing committee"),
        "executive_committee": N_("Executive committee"),
        "inspection_committee": N_("Inspection committee"),
        "peoples_committee": N_("People's Committee"),
        "inspectorate": N_("Inspectorate"),
        "other": N_("Other"),
    },
    DutyRole: {
        "party_secretary": N_("Party secretary"),
        "committee_chairman": N_("People's Committee chairman"),
        "none": N_("No reception duty"),
    },
    MinutesStatus: {"draft": N_("Draft"), "printed": N_("Printed"), "signed": N_("Signed")},
    MinutesSubject: {
        "session": N_("Reception session"),
        "visit": N_("Visit"),
        "dialogue": N_("Dialogue"),
        "meeting": N_("Working meeting"),
    },
    EventKind: {
        "transition": N_("Status change"),
        "extension": N_("Extension"),
        "note": N_("Note"),
        "link": N_("Link"),
        "notice": N_("Parties notified"),
    },
}


def label(enum: type[StrEnum], code: str | None) -> str:
    """The translated label of ``code`` (the code itself when unknown)."""
    if code is None:
        return ""
    msg = LABELS.get(enum, {}).get(str(code))
    return _(msg) if msg else str(code)


#: what is "accepted" (thụ lý) is a complaint or a denunciation, to be resolved (Law on
#: Complaints 02/2011/QH13 art. 27; Law on Denunciations 25/2018/QH14 art. 29); a
#: recommendation or a reflection is taken up and dealt with (tiếp nhận, xử lý: Law on
#: Citizen Reception 42/2013/QH13), never "thụ lý". Article numbers as recalled, not
#: checked against the texts here.
TAKEN_UP_TYPES: frozenset[str] = frozenset({PetitionType.RECOMMENDATION,
                                            PetitionType.REFLECTION})


def visit_handling_label(code: str | None, petition_type: str | None = None) -> str:
    """How a visit was handled, in the words of its kind of case ("" when not handled)."""
    if not code or code == VisitHandling.NONE:
        return ""
    if code == VisitHandling.ACCEPT and petition_type in TAKEN_UP_TYPES:
        return _("Taken up")
    return label(VisitHandling, code)


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(code, translated label) pairs in declaration order, for forms and filters."""
    return [(m.value, label(enum, m.value)) for m in enum]
