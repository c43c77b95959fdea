"""Importing petitions with their history: each row registered and taken through its
lifecycle steps in memory (the same checks as ``services.petitions``), then written in
bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import cast

from sqlalchemy import select

from ..i18n import _
from ..model import Petition, Petitioner, PetitionEvent
from ..model.codes import EventKind, Handling, PetitionType, Result, Status, label, results_for
from ..rules import competence, lifecycle
from ..rules.deadlines import petition_deadlines
from ..services import citizens as citizen_service
from ..services import petitions as petition_service
from ..services import units as unit_service
from ..services.errors import PermissionDenied, ServiceError, TransitionError, ValidationError
from ..services.indexing import petition_search_text
from ..services.validation import NOTE_LENGTH, Checker, clean, clean_id_number
from ..text import fold
from .bulk import PENDING, BulkWriter, Citizens
from .import_rows import CITIZEN_COLUMNS, REDACTED, Importer, RowCells, citizen_errors, refusals

# --- petitions ----------------------------------------------------------------------

#: the status a handling leads to, and back
_STATUS_OF_HANDLING = {
    Handling.ACCEPT: Status.ACCEPTED,
    Handling.GUIDE: Status.GUIDED,
    Handling.FORWARD: Status.FORWARDED,
    Handling.URGE: Status.FORWARDED,
    Handling.ARCHIVE: Status.ARCHIVED,
    Handling.RETURN: Status.RETURNED,
}
_HANDLINGS_OF_STATUS = {
    Status.ACCEPTED: {Handling.ACCEPT},
    Status.IN_RESOLUTION: {Handling.ACCEPT},
    Status.RESOLVED: {Handling.ACCEPT},
    Status.GUIDED: {Handling.GUIDE},
    Status.FORWARDED: {Handling.FORWARD, Handling.URGE},
    Status.ARCHIVED: {Handling.ARCHIVE},
    Status.RETURNED: {Handling.RETURN},
    Status.CLOSED: set(Handling),
}
# a complaint's result written for a denunciation (the Vietnamese words are the same)
_AS_DENUNCIATION = {Result.CORRECT: Result.FOUNDED, Result.INCORRECT: Result.UNFOUNDED,
                    Result.PARTLY_CORRECT: Result.PARTLY_FOUNDED}

_PETITION_COLUMNS = {"received_date": "received_date", "petition_type": "type",
                     "content": "content", "source_code": "source", "field_code": "field_code",
                     "signers": "signers", "ref": "ref", "petitioners": "petitioner_name",
                     "full_name": "petitioner_name", "id_number": "id_number",
                     "address": "address", "phone": "phone", "complaint_round": "type",
                     "unit": "unit_code"}


@dataclass
class _PetitionRow:
    row: int
    unit_id: str
    data: petition_service.PetitionInput
    citizen: citizen_service.CitizenInput | None
    status: str
    handling: str | None
    handling_date: date | None
    handled_to: str
    result: str | None
    result_date: date | None
    decision_number: str


class PetitionsImporter(Importer):
    def parse(self) -> None:
        self.items: list[_PetitionRow] = []
        seen: dict[tuple[str, str], int] = {}
        for row in self.table:
            c = self.cells(row)
            unit_id = self.unit_of(c)
            ref = c.line("ref")
            ptype = c.code(PetitionType, "type", required=True)
            received = c.date("received_date", required=True)
            content = c.required("content")
            name = c.line("petitioner_name")
            withheld = name == REDACTED
            citizen = None
            petitioners = []
            if withheld:
                # exported without the denouncer's identity: keep the file's marker
                petitioners.append(petition_service.PetitionerInput(full_name=REDACTED))
            elif name:
                id_number = clean_id_number(c.text("id_number"))
                citizen = citizen_service.CitizenInput(
                    full_name=name, id_number=id_number, address=c.line("address"),
                    phone=c.line("phone"))
                citizen_errors(c, citizen, CITIZEN_COLUMNS | {"full_name": "petitioner_name"},
                                self.today)
                petitioners.append(petition_service.PetitionerInput(
                    full_name=name, id_number=id_number, address=citizen.address,
                    phone=citizen.phone))
            elif c.text("id_number") or c.text("address"):
                c.error("petitioner_name", _("Give the petitioner's name with the ID number or "
                                             "address."))
            data = petition_service.PetitionInput(
                # (None when the cell is wrong: the service checks it as required)
                received_date=received,  # type: ignore[arg-type]
                petition_type=ptype or "",
                content=content,
                source_code=c.code("source", "source") or "reception",
                field_code=c.code("field_code", "field_code"),
                ref=ref,
                signers=c.int("signers", minimum=1) or 1,
                petitioners=petitioners,
                anonymous=not petitioners,
            )
            item = self._lifecycle(c, data, unit_id, citizen)
            if unit_id is not None and ref:
                if (unit_id, ref) in seen:
                    c.error("ref", _("Petition \u201c{ref}\u201d is already in row {row}.")
                            .format(ref=ref, row=seen[(unit_id, ref)]))
                else:
                    seen[(unit_id, ref)] = row.row
            if item is not None:
                self.items.append(item)
        self._check_existing()

    def _lifecycle(self, c: RowCells, data: petition_service.PetitionInput, unit_id: str | None,
                   citizen: citizen_service.CitizenInput | None) -> _PetitionRow | None:
        handling = c.code(Handling, "handling")
        handling_date = c.date("handling_date")
        result_text = c.text("result")
        result = c.code(Result, "result")
        result_date = c.date("result_date")
        status = c.code(Status, "status")
        if status is None:
            if result:
                status = Status.RESOLVED
            elif handling:
                status = _STATUS_OF_HANDLING[Handling(handling)]
            else:
                status = Status.RECEIVED
        if handling is None and status in (Status.ACCEPTED, Status.IN_RESOLUTION,
                                           Status.RESOLVED):
            handling = Handling.ACCEPT
        if status in (Status.RECEIVED, Status.CLASSIFIED):
            if handling:
                c.error("status", _("A petition that is {status} has no handling yet, but the "
                                    "row gives \u201c{handling}\u201d.").format(
                                        status=label(Status, status).lower(),
                                        handling=c.text("handling")))
        elif not handling:
            c.error("handling", _("Give the handling of a petition that is {status}.").format(
                status=label(Status, status).lower()))
        elif Handling(handling) not in _HANDLINGS_OF_STATUS[Status(status)]:
            c.error("status", _("Status \u201c{status}\u201d does not follow the handling "
                                "\u201c{handling}\u201d.").format(status=c.text("status"),
                                                                   handling=c.text("handling")))
        if handling and handling_date is None and c.text("handling_date") == "":
            c.error("handling_date", _("Give the date of the handling."))
        if handling_date and not handling:
            c.error("handling", _("A handling date is given without the handling."))
        resolved = status == Status.RESOLVED or (status == Status.CLOSED
                                                 and handling == Handling.ACCEPT)
        if resolved:
            if not result:
                if not result_text:
                    c.error("result", _("Give the result of a resolved petition."))
            elif data.petition_type == PetitionType.DENUNCIATION and result in _AS_DENUNCIATION \
                    and fold(result_text) != fold(result):
                result = _AS_DENUNCIATION[Result(result)]
            if result_date is None and not c.text("result_date"):
                c.error("result_date", _("Give the date of the result."))
        elif result or result_date:
            c.error("result", _("A result is recorded only for a petition accepted and "
                                "resolved."))
        if unit_id is None:
            return None
        return _PetitionRow(
            row=c.n, unit_id=unit_id, data=data, citizen=citizen, status=status,
            handling=handling, handling_date=handling_date,
            handled_to=c.line("handled_to"), result=result, result_date=result_date,
            decision_number=c.line("decision_number"),
        )

    def _check_existing(self) -> None:
        existing = self.existing_refs(Petition, ((i.unit_id, i.data.ref) for i in self.items))
        for item in self.items:
            ref = item.data.ref
            if ref and (item.unit_id, ref) in existing:
                self.errors.add(item.row, "ref", _(
                    "Petition \u201c{ref}\u201d of this unit is already in the database (was "
                    "the file imported before?).").format(ref=ref))
            elif not ref and item.data.received_date and self._same_without_ref(item):
                self.errors.add(item.row, "content", _(
                    "The same petition (date received, type and content) is already in the "
                    "database (was the file imported before?)."))

    def _same_without_ref(self, item: _PetitionRow) -> bool:
        wanted = fold(item.data.content)
        contents = self.session.scalars(select(Petition.content).where(
            Petition.unit_id == item.unit_id,
            Petition.received_date == item.data.received_date,
            Petition.petition_type == item.data.petition_type,
        ))
        return any(fold(x) == wanted for x in contents)

    def write(self) -> None:
        """Every row checked as the services check it, then written in bulk (module
        :mod:`.bulk`): the same petitions, petitioners, history steps, due dates,
        protections and audit entries as one ``register_petition`` and one call per step
        each would have written."""
        writer = BulkWriter(self.session)
        people = self._people = Citizens(self.session, writer)
        people.preload((i.citizen.full_name, i.citizen.address, i.citizen.id_number)
                       for i in self.items if i.citizen is not None)
        self._calc = petition_service.Deadlines.of(self.session)
        self._choices = petition_service.input_choices(self.session)
        # the services' words, translated once for every row
        self._words = {"date": _("Date"), "received": _("the date received"),
                       "previous": _("the previous step"), "note": _("Note"),
                       "date_received": _("Date received")}
        # the units dissolved, read once: asking the unit of every row costs a query each
        # (the session keeps no unit it is not holding)
        self._dissolved_on = unit_service.dissolution_days(self.session)
        self._denied = refusals(self.session, ("petitions.register", "petitions.classify",
                                                "petitions.handle", "petitions.resolve",
                                                "citizens.edit"))
        order = ("citizens", "petitions", "petitioners", "petition_events",
                 "protected_citizens")
        for item in self.items:
            self._write_one(item, writer, people)
            self.step()
            if self.errors:
                writer.rows.clear()  # nothing more is written; the rows are still checked
                writer.audit = []
            elif writer.pending >= PENDING:
                writer.write(order)
        if not self.errors:
            writer.write(order)

    def _write_one(self, item: _PetitionRow, w: BulkWriter, people: Citizens) -> None:
        denied = self._denied
        if item.citizen is not None:
            cid = people.find(item.unit_id, item.citizen)
            if cid is None:
                if denied.get("citizens.edit"):
                    self.errors.add(item.row, "", denied["citizens.edit"])
                    return
                cid = people.create(item.unit_id, item.citizen)
                self.report.count("citizens")
            else:
                self.report.reused_citizens += 1
            citizen_id: str | None = cid
        else:
            citizen_id = None
        data = item.data
        if denied.get("petitions.register"):
            self.errors.add(item.row, "", denied["petitions.register"])
            return
        try:
            petition_service._check_input(self.session, data, self.today, self._choices)
            dissolved_on = self._dissolved_on.get(item.unit_id)
            if dissolved_on is not None and data.received_date >= dissolved_on:
                unit_service.refuse_if_dissolved(self.session, item.unit_id,
                                                  data.received_date, "received_date",
                                                  self._words["date_received"])
        except ValidationError as exc:
            self.errors.add_validation(item.row, exc, _PETITION_COLUMNS)
            return
        if data.petitioners and citizen_id is not None:
            data.petitioners[0].citizen_id = citizen_id
        p = _Simulated(self, w, item)
        self.report.count("petitions")
        self.report.count("events")
        if item.status == Status.RECEIVED:
            return
        note = self.note(item.row)
        on = item.handling_date or item.data.received_date
        handling = item.handling
        steps: list[tuple[str, str, Callable[[], object]]] = [
            ("handling_date" if item.handling_date else "received_date", "petitions.classify",
             lambda: p.classify(handling not in (Handling.GUIDE, Handling.FORWARD,
                                                 Handling.URGE), on, note,
                                # the file records that this body accepted the complaint:
                                # at a Party committee that is a complaint about a Party
                                # discipline decision, the only one it resolves
                                # (rules.competence)
                                party_matter=(handling == Handling.ACCEPT
                                              and item.data.petition_type
                                              == PetitionType.COMPLAINT
                                              and self._party_unit(item.unit_id)))),
        ]
        if handling:
            handled_to = item.handled_to
            if not handled_to and handling in (Handling.GUIDE, Handling.FORWARD, Handling.URGE):
                handled_to = _("(not recorded in the imported file)")
            steps.append(("handling_date", "petitions.handle",
                          lambda: p.decide_handling(handling, on, handled_to, note)))
        resolved = item.status == Status.RESOLVED or (
            item.status == Status.CLOSED and handling == Handling.ACCEPT)
        if item.status == Status.IN_RESOLUTION or resolved:
            steps.append(("handling_date", "petitions.resolve", lambda: p.start(on, note)))
        if resolved:
            steps.append(("result_date", "petitions.resolve", lambda: p.record_result(
                item.result or "", item.result_date, item.decision_number, note)))
        if item.status == Status.CLOSED:
            closed_on = item.result_date if resolved else on
            steps.append(("result_date" if resolved else "handling_date", "petitions.resolve",
                          lambda: p.close(closed_on, note)))
        for column, permission, run in steps:
            columns = _PETITION_COLUMNS | {"date": column, "result": "result",
                                           "result_date": "result_date",
                                           "handling": "handling", "handled_to": "handling",
                                           "decision_date": "result_date"}
            try:
                if denied.get(permission):
                    raise PermissionDenied(denied[permission])
                run()
            except ValidationError as exc:
                self.errors.add_validation(item.row, exc, columns, default=column)
                return
            except TransitionError as exc:
                self.errors.add(item.row, "status", str(exc))
                return
            except ServiceError as exc:
                self.errors.add(item.row, column, str(exc))
                return
            self.report.count("events")


#: the columns of a petition its registration and lifecycle steps change
_CHANGING = ("status", "many_signers", "search_text", "next_due_date", "next_due_key",
             "eligible", "within_competence", "anonymous", "party_matter", "duplicate_of_id",
             "beyond_level", "long_running", "complexity", "handling", "handling_date",
             "handled_to", "accepted_date", "assigned_official_id", "result", "result_date",
             "decision_number", "decision_date", "closed_date", "petition_type", "field_code")


class _Simulated:
    """One petition as the services would write it, step by step, in memory: the row as
    it stands, what the last flush wrote of it (for its version and audit entries), its
    history steps. The checks and messages are the services' own (``services.petitions``):
    a step refused raises as the service would, before changing anything."""

    def __init__(self, importer: PetitionsImporter, w: BulkWriter, item: _PetitionRow) -> None:
        self.w = w
        self.calc = importer._calc
        self.today = importer.today
        self.official_id = importer.official_id
        self.words = importer._words
        self.unit_kind = petition_service.Deadlines.of(importer.session).unit_kind
        data = item.data
        t = Petition.__table__
        # register_petition: the first INSERT …
        self.row = row = w.new(t, "petition", {
            "unit_id": item.unit_id, "status": str(Status.RECEIVED),
            "received_date": data.received_date, "petition_type": data.petition_type,
            "content": data.content.strip(), "source_code": data.source_code,
            "field_code": data.field_code or None, "ref": clean(data.ref),
            "forwarded_from": clean(data.forwarded_from), "signers": data.signers,
            "visit_id": data.visit_id or None, "complaint_round": data.complaint_round,
            "is_delegation": data.is_delegation, "anonymous": data.anonymous,
            "party_matter": False})
        self.flushed = dict(row)
        self.seq = 0
        self.last_date: date | None = None
        # … its petitioners and search text …
        self.people = []
        for i, person in enumerate(data.petitioners, start=1):
            full_name = clean(person.full_name)
            values = {"unit_id": item.unit_id, "petition_id": row["id"], "seq": i,
                      "citizen_id": person.citizen_id or None, "full_name": full_name,
                      "id_number": clean_id_number(person.id_number),
                      "address": clean(person.address), "phone": clean(person.phone),
                      "name_key": fold(person.full_name)}
            w.new(Petitioner.__table__, "petitioner", values)
            self.people.append(values)
        self._reindex()
        self._flush()
        # … its first step, its due date, and its denouncers protected
        self._event(data.received_date, None, str(Status.RECEIVED), self.official_id, "")
        self._refresh()
        self._flush()
        self._protect(importer)
        self._importer = importer

    # -- what the services do to the row -----------------------------------------------

    def _flush(self) -> None:
        self.w.changed("petition", self.row, self.flushed, _CHANGING)

    def _reindex(self) -> None:
        row = self.row
        row["many_signers"] = row["many_signers"] or (row["signers"] or 1) >= 5
        row["search_text"] = petition_search_text(
            row["ref"], row["content"],
            [(x["full_name"], x["id_number"], x["address"]) for x in self.people],
            denunciation=row["petition_type"] == PetitionType.DENUNCIATION)

    def _refresh(self) -> None:
        calc = self.calc
        # the row stands in for the petition: facts() reads its columns only (the
        # extensions are given)
        petition = cast(Petition, SimpleNamespace(**self.row))
        running = petition_deadlines(calc.facts(petition, []), calc.rules, calc.calendar)
        first = min(running, key=lambda d: d.due) if running else None
        self.row["next_due_date"] = first.due if first else None
        self.row["next_due_key"] = first.key if first else None

    def _protect(self, importer: PetitionsImporter) -> None:
        if self.row["petition_type"] == PetitionType.DENUNCIATION:
            ids = [x["citizen_id"] for x in self.people if x["citizen_id"]]
            if ids:
                importer._people.protect(ids)

    def _event(self, on: date, from_status: str | None, to_status: str | None,
               official_id: str | None, note: str) -> None:
        self.seq += 1
        row = self.row
        self.w.new(PetitionEvent.__table__, "petition_event", {
            "unit_id": row["unit_id"], "petition_id": row["id"], "seq": self.seq,
            "kind": str(EventKind.TRANSITION), "event_date": on, "from_status": from_status,
            "to_status": to_status, "official_id": official_id, "note": note.strip()})
        self.last_date = on if self.last_date is None else max(self.last_date, on)

    def _step(self, action: str, on: date | None, note: str, ck: Checker) -> None:
        row = self.row
        if not lifecycle.can(row["status"], action):
            raise petition_service._refuse(SimpleNamespace(status=row["status"]), action)
        words = self.words
        ck.required("date", on, words["date"])
        ck.not_future("date", on, words["date"], self.today)
        ck.not_before("date", on, row["received_date"], words["date"], words["received"])
        ck.not_before("date", on, self.last_date, words["date"], words["previous"])
        ck.max_length("note", note, NOTE_LENGTH, words["note"])
        ck.raise_if_any()
        assert on is not None
        target = str(lifecycle.ACTIONS[action].to_status)
        before = row["status"]
        row["status"] = target
        self._flush()
        self._event(on, before, target, self.official_id, note)
        self.w.entry("transition", "petition", row["id"], row["unit_id"],
                     {"action": action, "status": [before, target], "date": on.isoformat(),
                      "official_id": self.official_id})

    # -- the steps (services.petitions' classify, decide_handling, …) -------------------

    def classify(self, within_competence: bool, on: date, note: str,
                 party_matter: bool = False) -> None:
        self._step("classify", on, note, Checker())
        row = self.row
        row.update(eligible=True, within_competence=within_competence,
                   duplicate_of_id=None, many_signers=False, beyond_level=False,
                   long_running=False, complexity=0, party_matter=party_matter)
        self._reindex()
        self._refresh()
        self._flush()

    def decide_handling(self, handling: str, on: date, handled_to: str, note: str) -> None:
        row = self.row
        action = lifecycle.ACTION_OF_HANDLING.get(handling)
        ck = Checker()
        if action is None:
            ck.add("handling", _("Choose how the petition is handled."))
            ck.raise_if_any()
        assert action is not None
        if action in ("guide", "forward", "urge") and not clean(handled_to):
            ck.add("handled_to", _("Name the body the petitioner is guided to or the "
                                   "petition is sent to."))
        if action == "accept" and row["eligible"] is False:
            ck.add("handling", _("An ineligible petition cannot be accepted for resolution."))
        if action == "accept" and row["within_competence"] is False:
            ck.add("handling", _("A petition outside the unit's competence cannot be "
                                 "accepted; guide the petitioner or forward it."))
        if lifecycle.can(row["status"], action):  # what the law refuses (services' check)
            why = competence.refusal(action, competence.PetitionCase(
                petition_type=row["petition_type"],
                unit_kind=self.unit_kind(row["unit_id"]),
                anonymous=bool(row.get("anonymous")), duplicate_in_resolution=None,
                party_matter=bool(row.get("party_matter"))))
            if why:
                ck.add("handling", why)
        self._step(action, on, note, ck)
        row.update(handling=handling, handling_date=on, handled_to=clean(handled_to))
        if action == "accept":
            row["accepted_date"] = on
            row["assigned_official_id"] = self.official_id or row["assigned_official_id"]
        self._refresh()
        self._flush()

    def start(self, on: date, note: str) -> None:
        self._step("start", on, note, Checker())
        self._refresh()
        self._flush()

    def record_result(self, result: str, result_date: date | None, decision_number: str,
                      note: str) -> None:
        row = self.row
        if not lifecycle.can(row["status"], "resolve"):
            raise petition_service._refuse(SimpleNamespace(status=row["status"]), "resolve")
        ck = Checker()
        allowed = results_for(row["petition_type"])
        ck.code("result", result, [str(r) for r in allowed], _("Result"))
        ck.not_before("result_date", result_date, row["accepted_date"], _("Result date"),
                      _("the date accepted"))
        self._step("resolve", result_date, note, ck)
        row.update(result=result, result_date=result_date,
                   decision_number=clean(decision_number), decision_date=None)
        self._refresh()
        self._flush()

    def close(self, on: date | None, note: str) -> None:
        self._step("close", on, note, Checker())
        self.row["closed_date"] = on
        self._refresh()
        self._flush()
