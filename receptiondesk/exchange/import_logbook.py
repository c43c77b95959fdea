"""Importing a reception log book: sessions, their visits and the citizens received,
written in bulk after the same checks as ``services.reception``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..i18n import _
from ..model import Citizen, ReceptionSession, Visit, VisitAttendee
from ..model.codes import Gender, PetitionType, SessionKind, VisitHandling
from ..services import citizens as citizen_service
from ..services import reception as reception_service
from ..services import reference
from ..services.errors import PermissionDenied, ServiceError, ValidationError
from ..services.indexing import session_search_text, visit_search_text
from ..services.validation import Checker, clean, clean_id_number
from ..text import fold
from .bulk import PENDING, BulkWriter, Citizens
from .import_rows import CITIZEN_COLUMNS, REDACTED, Importer, citizen_errors, refusals

# --- log book -----------------------------------------------------------------------


@dataclass
class _VisitRow:
    row: int
    unit_id: str
    session_ref: str
    session_date: date | None
    session_kind: str
    presiding: str
    place: str
    citizen: citizen_service.CitizenInput | None
    visit: reception_service.VisitInput
    withheld: bool = False


@dataclass
class _SessionGroup:
    unit_id: str
    ref: str
    rows: list[_VisitRow]
    derived_ref: bool = False


_SESSION_COLUMNS = {"session_date": "date", "kind": "session_kind",
                    "presiding_official_id": "presiding_official",
                    "presiding_name": "presiding_official", "place": "place",
                    "ref": "session_ref", "unit": "unit_code"}
_VISIT_COLUMNS = {"content": "content", "head_count": "head_count",
                  "representatives": "representatives", "citizen_id": "citizen_name",
                  "field_code": "field_code", "petition_type": "petition_type",
                  "handling": "handling", "previously_handled_by": "previously_handled_by",
                  "follow_up": "follow_up", "notes": "notes", "direction": "direction",
                  **CITIZEN_COLUMNS}


class LogbookImporter(Importer):
    _withheld: dict[str, str]

    def parse(self) -> None:
        self._withheld = {}
        rows: list[_VisitRow] = []
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            name = c.line("citizen_name")
            withheld = name == REDACTED
            citizen = None
            if name and not withheld:
                citizen = citizen_service.CitizenInput(
                    full_name=name,
                    birth_year=c.int("birth_year"),
                    gender=c.code(Gender, "gender"),
                    id_number=clean_id_number(c.text("id_number")),
                    address=c.line("address"),
                    phone=c.line("phone"),
                )
                citizen_errors(c, citizen, CITIZEN_COLUMNS, self.today)
            elif not withheld and (c.text("id_number") or c.text("birth_year")):
                c.error("citizen_name", _("Give the citizen's name with the ID number or "
                                          "birth year."))
            head_count = c.int("head_count", minimum=1) or 1
            representatives = c.text("representatives")
            if not representatives and reception_service.is_delegation(head_count) and name:
                # the person named on a delegation's row is its representative (or the
                # marker of an identity withheld)
                representatives = name
            visit = reception_service.VisitInput(
                content=c.required("content"),
                head_count=head_count,
                representatives=representatives,
                field_code=c.code("field_code", "field_code"),
                petition_type=c.code(PetitionType, "petition_type"),
                previously_handled_by=c.text("previously_handled_by"),
                handling=c.code(VisitHandling, "handling") or VisitHandling.NONE,
                direction=c.text("direction"),
                follow_up=c.text("follow_up"),
                notes=c.text("notes"),
            )
            session_date = c.date("date", required=True)
            session_kind = c.code(SessionKind, "session_kind") or SessionKind.REGULAR
            if unit_id is None:
                continue
            rows.append(_VisitRow(
                row=row.row,
                unit_id=unit_id,
                session_ref=c.line("session_ref"),
                session_date=session_date,
                session_kind=session_kind,
                presiding=c.line("presiding_official"),
                place=c.line("place"),
                citizen=citizen,
                visit=visit,
                withheld=withheld,
            ))
        self.groups = self._group(rows)
        self._check_groups()

    def _group(self, rows: list[_VisitRow]) -> list[_SessionGroup]:
        """Rows with the same unit and session_ref form one session.

        Rows without a session_ref form one session per unit, date, kind and
        presiding official; such a session's ref is its date (with "-2", "-3"
        when the same unit has several such sessions that day).
        """
        groups: dict[tuple, _SessionGroup] = {}
        for r in rows:
            if r.session_ref:
                key: tuple = (r.unit_id, "ref", r.session_ref)
            else:
                key = (r.unit_id, "date", r.session_date, r.session_kind, fold(r.presiding))
            group = groups.get(key)
            if group is None:
                group = groups[key] = _SessionGroup(r.unit_id, r.session_ref, [],
                                                    derived_ref=not r.session_ref)
            group.rows.append(r)
        used = {(g.unit_id, g.ref) for g in groups.values() if not g.derived_ref}
        for group in groups.values():
            if group.derived_ref and group.rows[0].session_date is not None:
                base = group.rows[0].session_date.isoformat()
                ref, n = base, 1
                while (group.unit_id, ref) in used:
                    n += 1
                    ref = f"{base}-{n}"
                group.ref = ref
                used.add((group.unit_id, ref))
        return list(groups.values())

    def _check_groups(self) -> None:
        existing = self.existing_refs(ReceptionSession,
                                      ((g.unit_id, g.ref) for g in self.groups))
        for group in self.groups:
            first = group.rows[0]
            for r in group.rows[1:]:
                if r.session_date is not None and first.session_date is not None \
                        and r.session_date != first.session_date:
                    self.errors.add(r.row, "date", _(
                        "The rows of session \u201c{ref}\u201d must have one date: its first "
                        "row ({row}) has {date}.").format(
                            ref=group.ref, row=first.row, date=first.session_date.isoformat()))
            if (group.unit_id, group.ref) in existing:
                column = "date" if group.derived_ref else "session_ref"
                self.errors.add(first.row, column, _(
                    "Session \u201c{ref}\u201d of this unit is already in the database (was the "
                    "file imported before?).").format(ref=group.ref))

    def write(self) -> None:
        """Every session and visit checked as ``create_session`` and ``add_visit`` check
        them, then written in bulk (module :mod:`.bulk`) with the same rows, citizens,
        search texts, protections and audit entries."""
        w = BulkWriter(self.session)
        people = Citizens(self.session, w)
        people.preload((r.citizen.full_name, r.citizen.address, r.citizen.id_number)
                       for g in self.groups for r in g.rows if r.citizen is not None)
        denied = refusals(self.session, ("reception.edit", "citizens.edit"))
        fields = [c for c, _n in reference.field_choices(self.session)]
        columns = _VISIT_COLUMNS
        if "representatives" not in self.table.titles:
            # a delegation's representative is the name given on its row
            columns = columns | {"representatives": "citizen_name"}
        order = ("citizens", "protected_citizens", "reception_sessions", "visits",
                 "visit_attendees")
        for group in self.groups:
            first = group.rows[0]
            name = first.presiding
            data = reception_service.SessionInput(
                # (None when the cell is wrong: the service checks it as required)
                session_date=first.session_date,  # type: ignore[arg-type]
                kind=first.session_kind,
                place=first.place,
                presiding_official_id=self.official_of(group.unit_id, name),
                presiding_name=name,
                ref=group.ref,
            )
            try:
                if denied.get("reception.edit"):
                    raise PermissionDenied(denied["reception.edit"])
                presiding, ck = reception_service._check_session(self.session, data,
                                                                 self.today, group.unit_id)
                ck.raise_if_any()
            except ValidationError as exc:
                self.errors.add_validation(first.row, exc, _SESSION_COLUMNS)
                self.step(len(group.rows))
                continue
            except ServiceError as exc:
                self.errors.add(first.row, "", str(exc))
                self.step(len(group.rows))
                continue
            rs = w.new(ReceptionSession.__table__, "reception_session", {
                "unit_id": group.unit_id, "session_date": data.session_date,
                "kind": data.kind, "mode": data.mode, "place": clean(data.place),
                "presiding_official_id": presiding.id if presiding else None,
                "presiding_name": presiding.full_name if presiding
                else clean(data.presiding_name),
                "recorder_official_id": None, "notes": "", "ref": clean(data.ref),
                # as the session service writes it: the lists search it
                "search_text": session_search_text(
                    clean(data.ref), clean(data.place),
                    presiding.full_name if presiding else clean(data.presiding_name), "")})
            self.report.count("sessions")
            seq = 0
            for r in group.rows:
                try:
                    citizen = self._citizen_of(r, group.unit_id, people, denied)
                    _check_visit(r.visit, citizen is not None, fields)
                except ValidationError as exc:
                    self.errors.add_validation(r.row, exc, columns)
                except ServiceError as exc:
                    self.errors.add(r.row, "", str(exc))
                else:
                    seq += 1
                    self._visit(w, people, rs, seq, r.visit, citizen)
                    self.report.count("visits")
                self.step()
            if self.errors:
                w.rows.clear()  # nothing more is written; the rows are still checked
                w.audit = []
            elif w.pending >= PENDING:
                w.write(order)
        if not self.errors:
            w.write(order)

    def _citizen_of(self, r: _VisitRow, unit_id: str, people: Citizens,
                    denied: dict[str, str]) -> tuple[str, str] | None:
        """(id, full name) of the row's citizen, found or made (None: a delegation)."""
        if r.citizen is not None:
            found = people.find(unit_id, r.citizen)
            if found is not None:
                self.report.reused_citizens += 1
                return found, people.names[found]
            if denied.get("citizens.edit"):
                raise PermissionDenied(denied["citizens.edit"])
            cid = people.create(unit_id, r.citizen)
            self.report.count("citizens")
            return cid, people.names[cid]
        if r.withheld and not reception_service.is_delegation(r.visit.head_count):
            return self.withheld_citizen(unit_id, people, denied), REDACTED
        return None

    def _visit(self, w: BulkWriter, people: Citizens, rs: dict, seq: int,
               data: reception_service.VisitInput, citizen: tuple[str, str] | None) -> None:
        """The visit, its attendee and its search text as ``add_visit`` writes them."""
        delegation = reception_service.is_delegation(data.head_count)
        content = (data.content or "").strip()
        representatives = (data.representatives or "").strip()
        if data.petition_type == PetitionType.DENUNCIATION:
            search_text = visit_search_text(content, [])
        else:
            search_text = visit_search_text(content, [citizen[1]] if citizen else [],
                                            representatives)
        v = w.new(Visit.__table__, "visit", {
            "unit_id": rs["unit_id"], "session_id": rs["id"], "seq": seq,
            "visit_date": rs["session_date"], "citizen_id": citizen[0] if citizen else None,
            "head_count": data.head_count, "is_delegation": delegation,
            "representatives": representatives, "content": content,
            "field_code": data.field_code or None, "petition_type": data.petition_type or None,
            "previously_handled_by": (data.previously_handled_by or "").strip(),
            "handling": data.handling, "direction": (data.direction or "").strip(),
            "follow_up": (data.follow_up or "").strip(), "notes": (data.notes or "").strip(),
            "search_text": search_text})
        if citizen is not None:
            w.new(VisitAttendee.__table__, "visit_attendee", {
                "unit_id": rs["unit_id"], "visit_id": v["id"], "citizen_id": citizen[0],
                "seq": 1, "is_representative": delegation})
            if data.petition_type == PetitionType.DENUNCIATION:
                people.protect([citizen[0]])

    def withheld_citizen(self, unit_id: str, people: Citizens,
                         denied: dict[str, str]) -> str:
        """The unit's one stand-in citizen for visits exported without the identity (§4)."""
        if unit_id not in self._withheld:
            found = self.session.scalar(select(Citizen.id).where(
                Citizen.unit_id == unit_id, Citizen.full_name == REDACTED,
                Citizen.merged_into_id.is_(None)).limit(1))
            if found is None:
                if denied.get("citizens.edit"):
                    raise PermissionDenied(denied["citizens.edit"])
                found = people.create(unit_id, citizen_service.CitizenInput(
                    full_name=REDACTED))
                self.report.count("citizens")
            self._withheld[unit_id] = found
        return self._withheld[unit_id]


def _check_visit(data: reception_service.VisitInput, has_citizen: bool,
                 fields: list[str]) -> None:
    """``services.reception._check_visit`` for a visit whose citizen is known to exist
    (found or made by the import) or is absent (a delegation), with the fields read once."""
    ck = Checker()
    delegation = reception_service.check_visit_text(ck, data)
    if not has_citizen and not delegation:
        ck.add("citizen_id", _("Choose the citizen received, or enter a new one."))
    reception_service.check_visit_codes(ck, data, fields)
    ck.raise_if_any()
