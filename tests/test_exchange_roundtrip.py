"""Every §8 format imports, exports and re-imports into a fresh database with nothing lost."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from receptiondesk.exchange.exporter import export_file
from receptiondesk.exchange.importer import REDACTED, import_file
from receptiondesk.exchange.tables import COLUMNS
from receptiondesk.model import (
    ConcludingNotice,
    Inspection,
    Petition,
    PetitionEvent,
    ReceptionSession,
    Unit,
    Visit,
    WorkingMeeting,
)
from receptiondesk.services.database import open_database

DATA = Path(__file__).parent / "data" / "exchange"
TODAY = date(2026, 3, 1)
ORDER = ("units", "logbook", "petitions", "meetings", "inspections")


def _import_samples(session, kinds=ORDER):
    reports = {}
    for kind in kinds:
        reports[kind] = import_file(session, kind, DATA / f"{kind}.csv", today=TODAY)
    session.commit()
    return reports


@pytest.fixture
def fresh(tmp_path):
    database = open_database(tmp_path / "fresh.db")
    s = database.sessions()
    yield s
    s.close()
    database.close()


# --- snapshots: every field a file carries, keyed without database ids -------------


def _units(session):
    units = {u.id: u for u in session.scalars(select(Unit))}
    return sorted(
        (u.code, u.name, u.level, units[u.parent_id].code if u.parent_id else None, u.kind,
         u.place_name, u.remote_area)
        for u in units.values()
    )


def _visits(session):
    rows = []
    stmt = select(Visit).options(selectinload(Visit.session), selectinload(Visit.citizen),
                                 selectinload(Visit.attendees))
    for v in session.scalars(stmt):
        s, c = v.session, v.citizen
        unit = session.get(Unit, v.unit_id)
        rows.append((
            unit.code, s.ref, s.session_date, s.kind, s.presiding_name, v.seq, v.visit_date,
            (c.full_name, c.birth_year, c.gender, c.id_number, c.address) if c else None,
            v.head_count, v.is_delegation, v.representatives, v.content, v.field_code,
            v.petition_type, v.previously_handled_by, v.handling, v.follow_up, v.notes,
            len(v.attendees),
        ))
    return sorted(rows, key=repr)


def _petitions(session):
    rows = []
    stmt = select(Petition).options(selectinload(Petition.petitioners))
    for p in session.scalars(stmt):
        unit = session.get(Unit, p.unit_id)
        events = session.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)
                                 .order_by(PetitionEvent.seq))
        rows.append((
            unit.code, p.ref, p.received_date, p.source_code, p.petition_type, p.field_code,
            p.content, p.signers, p.anonymous, p.status, p.handling, p.handling_date,
            p.accepted_date, p.result, p.result_date, p.closed_date, p.eligible,
            p.within_competence, p.next_due_date, p.next_due_key,
            tuple((x.full_name, x.id_number, x.address, x.citizen_id is not None)
                  for x in p.petitioners),
            tuple((e.seq, e.kind, e.event_date, e.from_status, e.to_status) for e in events),
        ))
    return sorted(rows, key=repr)


def _meetings(session):
    rows = []
    for m in session.scalars(select(WorkingMeeting)):
        unit = session.get(Unit, m.unit_id)
        notices = session.scalars(select(ConcludingNotice).where(
            ConcludingNotice.meeting_id == m.id))
        rows.append((unit.code, m.ref, m.meeting_date, m.kind, m.chaired_by_name,
                     m.participants, m.content, m.conclusions,
                     tuple((n.number, n.issued_on, n.content) for n in notices)))
    return sorted(rows, key=repr)


def _inspections(session):
    rows = []
    for i in session.scalars(select(Inspection)):
        unit = session.get(Unit, i.unit_id)
        rows.append((unit.code, i.ref, i.inspection_date, i.body, i.kind, i.organisations,
                     i.organisation_count, i.members, i.member_count, i.content,
                     i.violations_found, i.conclusions))
    return sorted(rows, key=repr)


SNAPSHOTS = {"units": _units, "logbook": _visits, "petitions": _petitions,
             "meetings": _meetings, "inspections": _inspections}


# --- tests ------------------------------------------------------------------------


def test_samples_import_with_the_expected_counts(session, unit, official):
    reports = _import_samples(session)
    assert reports["units"].created == {"units": 4}
    assert reports["logbook"].created["sessions"] == 3
    assert reports["logbook"].created["visits"] == 6
    # Nguyễn Văn An came twice: one citizen record
    assert reports["logbook"].created["citizens"] == 5
    assert reports["logbook"].reused_citizens == 1
    assert reports["petitions"].created["petitions"] == 12
    assert reports["meetings"].created == {"meetings": 3, "notices": 2}
    assert reports["inspections"].created == {"inspections": 3}
    # the session presided by a known official is linked to that official
    s = session.scalar(select(ReceptionSession).where(ReceptionSession.ref == "2026-01"))
    assert s.presiding_official_id == official.id
    other = session.scalar(select(ReceptionSession).where(ReceptionSession.ref == "TC-01"))
    assert other.presiding_official_id is None and other.presiding_name == "Giàng A Sử"
    # petitions reach their status through the lifecycle, one event per step, in date order
    p = session.scalar(select(Petition).where(Petition.ref == "01/2026"))
    events = list(session.scalars(select(PetitionEvent).where(PetitionEvent.petition_id == p.id)
                                  .order_by(PetitionEvent.seq)))
    assert [e.to_status for e in events] == [
        "received", "classified", "accepted", "in_resolution", "resolved", "closed"]
    assert [e.event_date for e in events] == sorted(e.event_date for e in events)
    assert p.closed_date == date(2026, 2, 10) and p.accepted_date == date(2026, 1, 9)
    # petitioners are linked to the citizens directory (same ID number: same person)
    assert p.petitioners[0].citizen_id is not None
    # an unsigned petition stays anonymous through its classification
    unsigned = session.scalar(select(Petition).where(Petition.ref == "10/2026"))
    assert (unsigned.status, unsigned.anonymous, unsigned.petitioners) == ("classified", True, [])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", ORDER)
def test_round_trip_into_a_fresh_database(session, unit, official, fresh, tmp_path, kind,
                                          suffix, cleared):
    _import_samples(session)
    before = SNAPSHOTS[kind](session)
    assert before, "the sample file imported nothing"

    exported = {}
    for k in ORDER:
        exported[k] = tmp_path / f"{k}{suffix}"
        export_file(session, k, exported[k], reveal_identity=True)

    # the fresh database needs the units first (the home unit travels in the units file)
    kinds = ("units",) if kind == "units" else ("units", kind)
    for k in kinds:
        import_file(fresh, k, exported[k], today=TODAY)
    fresh.commit()
    assert SNAPSHOTS[kind](fresh) == before


def test_export_writes_the_section_8_layout(session, unit, official, tmp_path, cleared):
    _import_samples(session)
    out = tmp_path / "petitions.csv"
    assert export_file(session, "petitions", out, reveal_identity=True) == 12
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0].keys()) == COLUMNS["petitions"]
    first = next(r for r in rows if r["ref"] == "01/2026")
    assert first == {
        "unit_code": "DU-MP", "ref": "01/2026", "received_date": "2026-01-05",
        "source": "reception", "type": "complaint", "field_code": "land",
        "petitioner_name": "Nguyễn Văn An", "id_number": "011068001234",
        "address": "Bản Phăng, xã Mường Phăng", "signers": "1",
        "content": "Khiếu nại việc cấp giấy chứng nhận cho hộ liền kề", "handling": "accept",
        "handling_date": "2026-01-09", "status": "closed", "result": "partly_correct",
        "result_date": "2026-02-10",
    }


def test_xlsx_export_has_real_dates_and_numbers(session, unit, official, tmp_path, cleared):
    _import_samples(session)
    out = tmp_path / "logbook.xlsx"
    assert export_file(session, "logbook", out, reveal_identity=True) == 6
    ws = load_workbook(out).worksheets[0]
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS["logbook"]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["date"].is_date and row["date"].number_format == "yyyy-mm-dd"
    assert row["date"].value.date() == date(2026, 1, 15)
    assert isinstance(row["birth_year"].value, int)
    assert isinstance(row["head_count"].value, int)
    # ID numbers stay text: the leading zero survives
    assert row["id_number"].value == "011068001234"


def test_denouncers_identity_is_redacted_unless_revealed(session, unit, official, fresh,
                                                         tmp_path):
    _import_samples(session)
    out = tmp_path / "p.csv"
    export_file(session, "petitions", out)
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    denunciation = next(r for r in rows if r["type"] == "denunciation")
    assert (denunciation["petitioner_name"], denunciation["id_number"],
            denunciation["address"]) == (REDACTED, "", "")
    complaint = next(r for r in rows if r["ref"] == "01/2026")
    assert complaint["petitioner_name"] == "Nguyễn Văn An"

    log = tmp_path / "l.csv"
    export_file(session, "logbook", log)
    visits = list(csv.DictReader(log.read_text(encoding="utf-8-sig").splitlines()))
    denounced = next(r for r in visits if r["petition_type"] == "denunciation")
    assert denounced["citizen_name"] == REDACTED and denounced["birth_year"] == ""
    assert "Vì Văn Dũng" not in log.read_text(encoding="utf-8-sig")

    # a redacted file still imports (an upper level reading a commune's export)
    units = tmp_path / "u.csv"
    export_file(session, "units", units)
    for kind, path in (("units", units), ("logbook", log), ("petitions", out)):
        import_file(fresh, kind, path, today=TODAY)
    fresh.commit()
    p = fresh.scalar(select(Petition).where(Petition.petition_type == "denunciation"))
    assert [x.full_name for x in p.petitioners] == [REDACTED]
    assert "Vì Văn Dũng" not in repr(_visits(fresh))


def test_export_filters_by_unit_and_period(session, unit, official, tmp_path):
    _import_samples(session)
    out = tmp_path / "p.csv"
    n = export_file(session, "petitions", out, unit_ids=[unit.id],
                    date_from=date(2026, 1, 10), date_to=date(2026, 1, 31))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert n == len(rows) == 4
    assert {r["unit_code"] for r in rows} == {"DU-MP"}
    assert all("2026-01-10" <= r["received_date"] <= "2026-01-31" for r in rows)
