"""The domain model: SQLAlchemy 2 typed tables for every entity of DESIGN §2–§3."""

from .base import Base, new_id, utcnow
from .documents import Attachment, DocumentCounter, Minutes, MinutesVersion
from .exchange import BundleConflict, BundleRecord, OfficeKey, RegisteredOfficeKey
from .lookup import (
    CalendarDay,
    DeadlineRuleRow,
    DutyRuleRow,
    Field,
    NationalCode,
    Setting,
    SourceEntry,
)
from .organisation import Citizen, Official, Unit
from .petitions import DeadlineExtension, Petition, Petitioner, PetitionEvent
from .reception import ReceptionSession, Visit, VisitAttendee
from .reports import IssuedReport, ReportDraft, ReportDraftRevision
from .security import (
    AuditEntry,
    KeyGrant,
    KeyHolder,
    ProtectedCitizen,
    SealingKey,
    User,
)
from .work import ConcludingNotice, Inspection, WorkingMeeting

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "BundleConflict",
    "BundleRecord",
    "CalendarDay",
    "Citizen",
    "ConcludingNotice",
    "DeadlineExtension",
    "DeadlineRuleRow",
    "DocumentCounter",
    "DutyRuleRow",
    "Field",
    "Inspection",
    "IssuedReport",
    "KeyGrant",
    "KeyHolder",
    "Minutes",
    "MinutesVersion",
    "NationalCode",
    "OfficeKey",
    "Official",
    "Petition",
    "PetitionEvent",
    "Petitioner",
    "ProtectedCitizen",
    "ReceptionSession",
    "RegisteredOfficeKey",
    "ReportDraft",
    "ReportDraftRevision",
    "SealingKey",
    "Setting",
    "SourceEntry",
    "Unit",
    "User",
    "Visit",
    "VisitAttendee",
    "WorkingMeeting",
    "new_id",
    "utcnow",
]
