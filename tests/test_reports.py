"""The periodic report: every figure equals the records behind it, in JSON, XLSX and PDF.

A province Party committee with a pre-2025 district and two communes holds reception
sessions, meetings, inspections and petitions with known totals; the first six months of
2025 are reported. The expected figures below are worked out by hand from the records
(see the comments), never from the code under test.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from receptiondesk.cli.report_commands import add_report_parser, cmd_report
from receptiondesk.i18n import _, set_language
from receptiondesk.model import Official
from receptiondesk.reports import periods
from receptiondesk.reports.outputs import write_json, write_pdf, write_xlsx
from receptiondesk.reports.periodic import (
    NARRATIVE_SECTIONS,
    narrative_skeleton,
    periodic_report,
)
from receptiondesk.reports.periods import Period, previous_period
from receptiondesk.services import inspections, meetings, reception, units
from receptiondesk.services import petitions as ps
from receptiondesk.services.citizens import CitizenInput
from receptiondesk.services.errors import ServiceError

TODAY = date(2025, 8, 15)
PERIOD = periods.six_months_period(2025)  # 01/01/2025 – 30/06/2025


# --- the records ---------------------------------------------------------------------


@dataclass
class World:
    province: object
    district: object
    commune1: object
    commune2: object
    heads: dict


def _unit(s, code, name, level, parent=None, dissolved=None, home=False, place=""):
    return units.create_unit(
        s,
        units.UnitInput(code=code, name=name, level=level, kind="party", parent_code=parent,
                        place_name=place, dissolved_on=dissolved,
                        parent_body_name="Đảng bộ tỉnh Điện Biên" if level == "province"
                        else ""),
        home=home,
    )


def _session(s, unit, on, kind="regular", presiding=None, heads=(), delegation=None):
    """A session with one visit of one citizen per entry of ``heads`` (head counts), and
    optionally one delegation of ``delegation`` people."""
    rs = reception.create_session(
        s, unit.id,
        reception.SessionInput(session_date=on, kind=kind,
                               presiding_official_id=presiding.id if presiding else None,
                               presiding_name="" if presiding else "Nguyễn Văn Huyện"),
        today=TODAY,
    )
    for i, count in enumerate(heads):
        reception.add_visit(
            s, rs.id,
            reception.VisitInput(content="Hỏi về đất đai", head_count=count,
                                 new_citizen=CitizenInput(full_name=f"Công dân {on} {i}"),
                                 representatives="Đại diện" if count >= 5 else ""),
            today=TODAY,
        )
    if delegation:
        reception.add_visit(
            s, rs.id,
            reception.VisitInput(content="Đoàn đông người về bồi thường", head_count=delegation,
                                 representatives="Lò Văn A; Lò Văn B"),
            today=TODAY,
        )
    return rs


def _petition(s, unit, received, ptype, field, *, signers=1, delegation=False):
    return ps.register_petition(
        s, unit.id,
        ps.PetitionInput(received_date=received, petition_type=ptype, content="Nội dung đơn",
                         field_code=field, signers=signers, is_delegation=delegation,
                         petitioners=[ps.PetitionerInput(full_name="Hoàng Thị Đào")]),
        today=TODAY,
    )


def _classify(s, p, on, **flags):
    # every unit here is a Party committee: the complaints it accepts are about Party
    # discipline decisions (a Party committee resolves no other: rules.competence)
    flags.setdefault("party_matter", p.petition_type == "complaint")
    ps.classify(s, p.id, ps.Classification(eligible=True, within_competence=True, **flags),
                on=on, today=TODAY)


def _handle(s, p, handling, on):
    official = s.scalar(select(Official).where(Official.unit_id == p.unit_id).limit(1))
    if official is None:  # an accepted petition needs the official who handles it
        official = units.create_official(s, p.unit_id, units.OfficialInput("Lò Văn Thụ"))
    ps.decide_handling(s, p.id, handling, on=on, official_id=official.id,
                       handled_to="UBND huyện", today=TODAY)


def _resolve(s, p, start, on, result):
    ps.start_resolution(s, p.id, on=start, today=TODAY)
    ps.record_result(s, p.id, result, on, today=TODAY)


def build(s) -> World:
    tu = _unit(s, "TU", "Tỉnh ủy Điện Biên", "province", home=True, place="Điện Biên")
    hu = _unit(s, "HU-DBD", "Huyện ủy Điện Biên Đông", "district", "TU",
               dissolved=date(2025, 7, 1))
    x1 = _unit(s, "DU-MP", "Đảng ủy xã Mường Phăng", "commune", "HU-DBD", place="Mường Phăng")
    x2 = _unit(s, "DU-TP", "Đảng ủy xã Thanh Nưa", "commune", "TU", place="Thanh Nưa")
    # Another district, dissolved on 1/7/2025 too, that never kept records here.
    _unit(s, "HU-TG", "Huyện ủy Tuần Giáo", "district", "TU", dissolved=date(2025, 7, 1))

    def head(unit, name, position):
        return units.create_official(
            s, unit.id, units.OfficialInput(full_name=name, position=position,
                                            duty_role="party_secretary"))

    h_tu = head(tu, "Trần Quốc Cường", "Bí thư Tỉnh ủy")
    h_x1 = head(x1, "Lò Văn Khoa", "Bí thư Đảng ủy")
    h_x2 = head(x2, "Quàng Văn Bình", "Bí thư Đảng ủy")

    # --- reception ---------------------------------------------------------------
    # Province: a regular session (2 visits: 1 + 2 people) and an unscheduled one with a
    # delegation of 8; both presided by the secretary (duty held in February and March).
    _session(s, tu, date(2025, 2, 10), presiding=h_tu, heads=[1, 2])
    _session(s, tu, date(2025, 3, 5), "unscheduled", presiding=h_tu, delegation=8)
    # In the previous period: a delegation of 5 (trend); after the period: not counted.
    _session(s, tu, date(2024, 12, 20), presiding=h_tu, delegation=5)
    _session(s, tu, date(2025, 7, 2), presiding=h_tu, heads=[3])
    # District: a regular session of 3 visits and a dialogue with a delegation of 6.
    _session(s, hu, date(2025, 1, 15), heads=[1, 1, 1])
    _session(s, hu, date(2025, 4, 20), "dialogue", delegation=6)
    # Commune 1: two regular sessions (January, February) presided by the secretary.
    _session(s, x1, date(2025, 1, 8), presiding=h_x1, heads=[1])
    rs_x1 = _session(s, x1, date(2025, 2, 12), presiding=h_x1, heads=[1])
    # Commune 2: one regular session every month, and a routine desk day (no duty).
    for month, day in ((1, 9), (2, 11), (3, 12), (4, 9), (5, 14), (6, 11)):
        _session(s, x2, date(2025, month, day), presiding=h_x2, heads=[1])
    _session(s, x2, date(2025, 3, 3), "routine", presiding=h_x2, heads=[1])

    # --- meetings and notices -------------------------------------------------------
    m1 = meetings.create_meeting(
        s, tu.id, meetings.MeetingInput(meeting_date=date(2025, 3, 10), chaired_by_id=h_tu.id,
                                        content="Làm việc với các huyện ủy"), today=TODAY)
    meetings.issue_notice(s, meetings.NoticeInput("12-TB/TU", date(2025, 3, 12), "Kết luận"),
                          meeting_id=m1.id, today=TODAY)
    meetings.create_meeting(
        s, x2.id, meetings.MeetingInput(meeting_date=date(2025, 5, 5), kind="unscheduled",
                                        chaired_by_id=h_x2.id, content="Đột xuất"),
        today=TODAY)
    meetings.create_meeting(  # before the period
        s, tu.id, meetings.MeetingInput(meeting_date=date(2024, 11, 1), chaired_by_id=h_tu.id,
                                        content="Kỳ trước"), today=TODAY)
    meetings.issue_notice(s, meetings.NoticeInput("03-TB/ĐU", date(2025, 2, 13), "Kết luận"),
                          session_id=rs_x1.id, today=TODAY)

    # --- inspections ----------------------------------------------------------------
    inspections.create_inspection(s, tu.id, inspections.InspectionInput(
        inspection_date=date(2025, 4, 1), body="standing_committee", kind="inspection",
        organisations="Huyện ủy A; Huyện ủy B; Đảng ủy C", content="Kiểm tra",
        violations_found=True), today=TODAY)
    inspections.create_inspection(s, tu.id, inspections.InspectionInput(
        inspection_date=date(2025, 5, 1), body="inspection_committee", kind="supervision",
        organisation_count=2, members="Đồng chí D", content="Giám sát"), today=TODAY)
    inspections.create_inspection(s, x1.id, inspections.InspectionInput(
        inspection_date=date(2025, 6, 1), body="standing_committee", kind="inspection",
        organisations="Chi bộ bản Che Căn", content="Kiểm tra"), today=TODAY)
    inspections.create_inspection(s, x1.id, inspections.InspectionInput(  # after the period
        inspection_date=date(2025, 7, 20), body="standing_committee",
        organisations="Chi bộ X", content="Kiểm tra"), today=TODAY)

    # --- petitions carried over (received before 1/1/2025) --------------------------
    # C1: in resolution at the start, resolved in the period, late (due 10/12/2024).
    c1 = _petition(s, x1, date(2024, 11, 4), "complaint", "land")
    _classify(s, c1, date(2024, 11, 5))
    _handle(s, c1, "accept", date(2024, 11, 10))
    _resolve(s, c1, date(2024, 11, 11), date(2025, 1, 20), "correct")
    # C2: awaiting processing at the start, guided on 3/1/2025 (on time).
    c2 = _petition(s, x2, date(2024, 12, 20), "recommendation", "social_policy")
    _classify(s, c2, date(2024, 12, 23))
    _handle(s, c2, "guide", date(2025, 1, 3))
    # C3: a beyond-level denunciation classified but never processed: overdue at the end.
    c3 = _petition(s, tu, date(2024, 10, 1), "denunciation", "corruption")
    _classify(s, c3, date(2024, 10, 3), beyond_level=True)
    # C4: archived before the period: not carried over.
    c4 = _petition(s, x1, date(2024, 9, 1), "reflection", "land")
    _classify(s, c4, date(2024, 9, 5))
    _handle(s, c4, "archive", date(2024, 9, 10))
    # C5: accepted in December, still being resolved at the end: overdue.
    c5 = _petition(s, hu, date(2024, 12, 1), "complaint", "compensation")
    _classify(s, c5, date(2024, 12, 2))
    _handle(s, c5, "accept", date(2024, 12, 5))
    # Long closed, years ago: not concerned.
    old = _petition(s, x2, date(2023, 3, 1), "reflection", "other")
    _classify(s, old, date(2023, 3, 2))
    _handle(s, old, "archive", date(2023, 3, 3))
    ps.close_petition(s, old.id, date(2023, 3, 4), today=TODAY)

    # --- petitions received in the period ---------------------------------------------
    n1 = _petition(s, x1, date(2025, 1, 10), "complaint", "land")
    _classify(s, n1, date(2025, 1, 11))
    _handle(s, n1, "accept", date(2025, 1, 15))
    _resolve(s, n1, date(2025, 1, 16), date(2025, 2, 5), "partly_correct")
    # N2: accepted late (due 13/2), still being resolved at the end: overdue (due 9/4).
    n2 = _petition(s, x1, date(2025, 2, 3), "complaint", "land")
    _classify(s, n2, date(2025, 2, 4))
    _handle(s, n2, "accept", date(2025, 3, 10))
    n3 = _petition(s, x2, date(2025, 3, 3), "recommendation", "land")
    _classify(s, n3, date(2025, 3, 4))
    _handle(s, n3, "forward", date(2025, 3, 5))
    # N4: received 25/6, not yet processed; due in July: open, not overdue.
    _petition(s, x2, date(2025, 6, 25), "reflection", "environment")
    n5 = _petition(s, tu, date(2025, 4, 1), "denunciation", "corruption")
    _classify(s, n5, date(2025, 4, 2))
    _handle(s, n5, "accept", date(2025, 4, 8))
    _resolve(s, n5, date(2025, 4, 9), date(2025, 5, 6), "founded")
    # N6: a delegation of 8 signers, beyond the competent level, guided.
    n6 = _petition(s, hu, date(2025, 5, 2), "complaint", "housing", signers=8, delegation=True)
    _classify(s, n6, date(2025, 5, 5), beyond_level=True)
    _handle(s, n6, "guide", date(2025, 5, 6))
    # N7: long-running, documents returned.
    n7 = _petition(s, tu, date(2025, 6, 10), "mixed", "other")
    _classify(s, n7, date(2025, 6, 11), long_running=True)
    _handle(s, n7, "return", date(2025, 6, 12))
    # N8: a denunciation accepted on 16/5 after a 3-day extension (due 14/5 → 19/5): on
    # time; then its resolution (due 16/6) is overdue at the end.
    n8 = _petition(s, x1, date(2025, 5, 5), "denunciation", "corruption")
    _classify(s, n8, date(2025, 5, 6))
    ps.extend_deadline(s, n8.id, "denunciation_accept", 3, date(2025, 5, 12),
                       "Cần xác minh thêm", today=TODAY)
    _handle(s, n8, "accept", date(2025, 5, 16))
    # After the period: not counted.
    _petition(s, x2, date(2025, 7, 10), "complaint", "land")
    s.flush()
    return World(tu, hu, x1, x2, {"tu": h_tu, "x1": h_x1, "x2": h_x2})


@pytest.fixture
def world(session):
    return build(session)


@pytest.fixture
def report(session, world):
    return periodic_report(session, world.province.id, PERIOD, today=TODAY)


# --- the expected figures, worked out by hand ------------------------------------------

RECEPTION = {  # level -> kind -> (sessions, visits, citizens, delegations, delegation people)
    "province": {"regular": (1, 2, 3, 0, 0), "unscheduled": (1, 1, 8, 1, 8),
                 "dialogue": (0, 0, 0, 0, 0), "routine": (0, 0, 0, 0, 0),
                 "total": (2, 3, 11, 1, 8)},
    "district": {"regular": (1, 3, 3, 0, 0), "unscheduled": (0, 0, 0, 0, 0),
                 "dialogue": (1, 1, 6, 1, 6), "routine": (0, 0, 0, 0, 0),
                 "total": (2, 4, 9, 1, 6)},
    "commune": {"regular": (8, 8, 8, 0, 0), "unscheduled": (0, 0, 0, 0, 0),
                "dialogue": (0, 0, 0, 0, 0), "routine": (1, 1, 1, 0, 0),
                "total": (9, 9, 9, 0, 0)},
    "total": {"regular": (10, 13, 14, 0, 0), "unscheduled": (1, 1, 8, 1, 8),
              "dialogue": (1, 1, 6, 1, 6), "routine": (1, 1, 1, 0, 0),
              "total": (13, 16, 29, 2, 14)},
}
SESSION_FIELDS = ("sessions", "visits", "citizens", "delegations", "delegation_citizens")

PETITIONS = {  # level -> figures
    "province": dict(received=2, carried_over=1, carried_unprocessed=1, carried_in_resolution=0,
                     total=3, to_process=3, processed=2, processed_rate=66.7, accepted=1,
                     to_resolve=1, resolved=1, resolved_rate=100.0, open_at_end=1,
                     overdue_at_end=1),
    "district": dict(received=1, carried_over=1, carried_unprocessed=0, carried_in_resolution=1,
                     total=2, to_process=1, processed=1, processed_rate=100.0, accepted=0,
                     to_resolve=1, resolved=0, resolved_rate=0.0, open_at_end=1,
                     overdue_at_end=1),
    "commune": dict(received=5, carried_over=2, carried_unprocessed=1, carried_in_resolution=1,
                    total=7, to_process=6, processed=5, processed_rate=83.3, accepted=3,
                    to_resolve=4, resolved=2, resolved_rate=50.0, open_at_end=3,
                    overdue_at_end=2),
    "total": dict(received=8, carried_over=4, carried_unprocessed=2, carried_in_resolution=2,
                  total=12, to_process=10, processed=8, processed_rate=80.0, accepted=4,
                  to_resolve=6, resolved=3, resolved_rate=50.0, open_at_end=5,
                  overdue_at_end=4),
}
MEETINGS_TOTAL = dict(meetings=2, regular=1, unscheduled=1, notices=2,
                      notices_after_meetings=1, notices_after_sessions=1)
INSPECTIONS_TOTAL = dict(total=3, inspections=2, supervisions=1, organisations=6, members=1,
                         with_violations=1)
BY_TYPE = {  # received, carried over, processed, resolved, share of received
    "complaint": (3, 2, 3, 2, 37.5),  # N1 N2 N6; C1 C5; processed N1 N2 N6; C1 N1
    "denunciation": (2, 1, 2, 1, 25.0),  # N5 N8; C3; N5 N8; N5
    "recommendation": (1, 1, 2, 0, 12.5),  # N3; C2; N3 C2
    "reflection": (1, 0, 0, 0, 12.5),  # N4
    "mixed": (1, 0, 1, 0, 12.5),  # N7
}
BY_FIELD = {
    "land": (3, 1, 3, 2, 37.5),  # N1 N2 N3; C1; N1 N2 N3; C1 N1
    "corruption": (2, 1, 2, 1, 25.0),
    "environment": (1, 0, 0, 0, 12.5),
    "housing": (1, 0, 1, 0, 12.5),
    "other": (1, 0, 1, 0, 12.5),
    "social_policy": (0, 1, 1, 0, 0.0),
    "compensation": (0, 1, 0, 0, 0.0),
}
BY_HANDLING = {"accept": (4, 50.0), "guide": (2, 25.0), "forward": (1, 12.5),
               "return": (1, 12.5)}
RESULTS = {("complaint", "correct"): 1, ("complaint", "partly_correct"): 1,
           ("denunciation", "founded"): 1}
TIMELINESS = dict(processed_on_time=7, processed_late=1, processed_on_time_rate=87.5,
                  resolved_on_time=2, resolved_late=1, resolved_without_deadline=0,
                  resolved_on_time_rate=66.7)
TRENDS = {  # now, before (previous period: 01/07/2024 – 31/12/2024)
    "received": (8, 5), "delegation_visits": (2, 1), "delegation": (1, 0),
    "beyond_level": (1, 1), "long_running": (1, 0), "many_signers": (1, 0),
}
DUTY = {  # name -> (months counted, months met, days owed, days held, met)
    # a province secretary owes 1 day a month, a commune secretary 2 (Regulation
    # 11-QĐi/TW of 18/02/2019, art. 4(1))
    "Trần Quốc Cường": (6, 2, 6, 2, False),
    "Lò Văn Khoa": (6, 0, 12, 2, False),
    "Quàng Văn Bình": (6, 0, 12, 6, False),
}


def _scope(data: dict, level: str) -> dict:
    if level == "total":
        return data["total"]
    return next(x for x in data["by_level"] if x["code"] == level)


# --- figures (JSON) ------------------------------------------------------------------


def test_every_figure_of_the_report_in_json(report, tmp_path):
    path = write_json(report, tmp_path / "r.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["period"]["start"] == "2025-01-01" and data["period"]["end"] == "2025-06-30"
    assert data["previous"]["start"] == "2024-07-01"
    assert data["previous"]["end"] == "2024-12-31"
    assert [x["code"] for x in data["by_level"]] == ["province", "district", "commune"]
    for level, kinds in RECEPTION.items():
        scope = _scope(data, level)
        for kind, values in kinds.items():
            got = tuple(scope["reception"][kind][f] for f in SESSION_FIELDS)
            assert got == values, (level, kind)
    for level, figures in PETITIONS.items():
        assert _scope(data, level)["petitions"] == figures, level
    assert data["total"]["meetings"] == MEETINGS_TOTAL
    assert data["total"]["inspections"] == INSPECTIONS_TOTAL
    bodies = {r["body"]: r for r in data["inspections_by_body"]}
    assert bodies["standing_committee"]["inspections"] == 2
    assert bodies["standing_committee"]["organisations"] == 4
    assert bodies["standing_committee"]["with_violations"] == 1
    assert bodies["inspection_committee"]["supervisions"] == 1
    assert bodies["inspection_committee"]["organisations"] == 2
    by_type = {r["code"]: (r["received"], r["carried_over"], r["processed"], r["resolved"],
                           r["percent"]) for r in data["by_type"]}
    assert by_type == BY_TYPE
    by_field = {r["code"]: (r["received"], r["carried_over"], r["processed"], r["resolved"],
                            r["percent"]) for r in data["by_field"]}
    assert by_field == BY_FIELD
    assert {r["code"]: (r["count"], r["percent"]) for r in data["by_handling"]} == BY_HANDLING
    assert {(r["petition_type"], r["result"]): r["count"] for r in data["results"]} == RESULTS
    assert data["timeliness"] == TIMELINESS
    trends = {t["code"]: (t["now"], t["before"]) for t in data["trends"]}
    assert trends == TRENDS
    received = next(t for t in data["trends"] if t["code"] == "received")
    assert received["difference"] == 3 and received["change_percent"] == 60.0
    assert next(t for t in data["trends"] if t["code"] == "long_running")[
        "change_percent"] is None
    duty = {d["name"]: (d["months_counted"], d["months_met"], d["required"], d["held"],
                        d["met"]) for d in data["duty"]}
    assert duty == DUTY


def test_by_unit_and_the_unit_header(report):
    names = [u.name for u in report.by_unit]
    assert names[0] == "Tỉnh ủy Điện Biên"  # the unit reported on first, then by level
    # Both districts still existed in the first half of 2025: both have a row.
    assert set(names) == {"Tỉnh ủy Điện Biên", "Huyện ủy Điện Biên Đông", "Huyện ủy Tuần Giáo",
                          "Đảng ủy xã Mường Phăng", "Đảng ủy xã Thanh Nưa"}
    assert [u.level for u in report.by_unit] == [
        "province", "district", "district", "commune", "commune"]
    units_ = {u.code: u for u in report.by_unit}
    x1 = units_["DU-MP"].petitions  # N1 N2 N8 new, C1 carried in resolution
    assert (x1.received, x1.carried_over, x1.processed, x1.processed_rate) == (3, 1, 3, 100.0)
    assert (x1.resolved, x1.to_resolve, x1.open_at_end, x1.overdue_at_end) == (2, 4, 2, 2)
    x2 = units_["DU-TP"].petitions  # N3 N4 new, C2 carried unprocessed
    assert (x2.to_process, x2.processed, x2.processed_rate) == (3, 2, 66.7)
    assert units_["DU-TP"].reception.regular.sessions == 6
    assert units_["DU-TP"].meetings.unscheduled == 1
    assert units_["DU-MP"].meetings.notices_after_sessions == 1
    assert report.unit.head_name == "Trần Quốc Cường"
    assert report.overdue_on == PERIOD.end


def test_rates_are_rounded_once_from_the_level_counts(report):
    commune = next(x for x in report.by_level if x.level == "commune").petitions
    # 5 of 6 = 83.333…: rounded once from the counts, not an average of the units' rates
    # (100.0 and 66.7 would average to 83.35 → 83.4).
    assert commune.processed_rate == 83.3


def test_a_report_of_one_commune_only(session, world):
    r = periodic_report(session, world.commune2.id, PERIOD, today=TODAY)
    assert not r.has_subordinates
    p = r.total.petitions
    assert (p.received, p.carried_over, p.to_process, p.processed) == (2, 1, 3, 2)
    assert p.processed_rate == 66.7
    assert r.total.reception.regular.sessions == 6
    assert [d.name for d in r.duty] == ["Quàng Văn Bình"]


def test_a_dissolved_district_without_records_is_left_out(session, world):
    later = periods.q1_period(2026)
    r = periodic_report(session, world.province.id, later, today=date(2026, 4, 10))
    codes = [u.code for u in r.by_unit]
    assert "HU-TG" not in codes  # dissolved before 2026 and silent: history only
    assert "HU-DBD" in codes  # dissolved too, but still holds an open petition (C5)
    assert [x.level for x in r.by_level] == ["province", "district", "commune"]
    # Still open on 1/1/2026: C3 C5 N2 N4 N8 and the July complaint are carried over.
    assert r.total.petitions.received == 0
    assert r.total.petitions.carried_over == 6
    assert r.previous.start == date(2025, 10, 1)


def test_overdue_judged_today_for_a_period_not_over(session, world):
    r = periodic_report(session, world.province.id, periods.year_period(2025), today=TODAY)
    assert r.overdue_on == TODAY
    # Open on 15/8: C3 C5 N2 N4 N8 and the July complaint (due 20/7): all overdue but N4?
    # N4 (received 25/6, due 9/7) is overdue by 15/8 too.
    assert r.total.petitions.open_at_end == 6
    assert r.total.petitions.overdue_at_end == 6
    # Duty: only the months over by today are judged (January–July); August, still
    # running and not met, is in progress, never failed.
    assert all(d.months_counted == 7 for d in r.duty)
    for d in r.duty:
        august = d.months[-1]
        assert (august.month, august.in_progress, august.met) == (8, True, False)


def test_urging_later_does_not_move_the_first_handling(session, unit, official):
    """Urging the responsible body overwrites the stored handling date; the report takes
    the first decision from the events."""
    p = _petition(session, unit, date(2024, 12, 2), "recommendation", "land")
    _classify(session, p, date(2024, 12, 3))
    _handle(session, p, "forward", date(2024, 12, 10))
    _handle(session, p, "urge", date(2025, 2, 3))
    assert ps.get_petition(session, p.id).handling_date == date(2025, 2, 3)
    h1 = periodic_report(session, unit.id, PERIOD, today=TODAY).total.petitions
    assert (h1.carried_over, h1.processed, h1.open_at_end) == (0, 0, 0)
    h2 = periodic_report(session, unit.id, periods.custom_period(date(2024, 7, 1),
                                                                 date(2024, 12, 31)),
                         today=TODAY)
    fig = h2.total.petitions
    assert (fig.received, fig.processed, fig.open_at_end) == (1, 1, 0)
    assert h2.timeliness.processed_on_time == 1


# --- the narrative ---------------------------------------------------------------------


def test_narrative_skeleton_sections_and_figures(report):
    text = narrative_skeleton(report)
    assert list(text) == [key for key, _title in NARRATIVE_SECTIONS]
    assert "8 new petitions were received" in text["situation"]
    assert "3 more than in the previous period" in text["situation"]
    assert "80.0%" in text["results"]
    assert "[" in text["strengths"] and "[" in text["tasks"]  # for the official to complete
    assert "Lò Văn Khoa" in text["limitations"]  # the duty not met


def test_narrative_in_vietnamese_formats_numbers_the_vietnamese_way(report):
    set_language("vi")
    text = narrative_skeleton(report)
    assert "80,0%" in text["results"]
    assert "80.0%" not in text["results"]


# --- XLSX ------------------------------------------------------------------------------


def _sheet_rows(ws) -> list[tuple]:
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def _row(ws, first_cell: str) -> tuple:
    return next(r for r in _sheet_rows(ws) if r and r[0] == first_cell)


def test_xlsx_holds_real_numbers(report, tmp_path):
    path = write_xlsx(report, tmp_path / "r.xlsx", lang="en")
    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    assert names[0] == "Summary"
    assert {"Reception", "Petitions", "By type", "By field", "By handling", "Results",
            "On time and late", "Trends", "Reception duty", "By unit"} <= set(names)
    pet = wb["Petitions"]
    assert pet["A1"].font.bold and pet["B2"].font.bold
    t = PETITIONS["total"]
    total = _row(pet, "Total")
    assert total == ("Total", *(t[k] for k in (
        "received", "carried_over", "total", "to_process", "processed")),
        t["processed_rate"] / 100, t["to_resolve"], t["resolved"], t["resolved_rate"] / 100,
        t["open_at_end"], t["overdue_at_end"])
    assert total == ("Total", 8, 4, 12, 10, 8, 0.8, 6, 3, 0.5, 5, 4)
    rate_cell = next(c for c in pet[pet.max_row] if c.column == 7)
    assert isinstance(rate_cell.value, float) and rate_cell.number_format == "0.0%"
    commune = _row(pet, "Commune")
    assert commune[1:6] == (5, 2, 7, 6, 5)
    assert commune[6] == pytest.approx(0.833)
    for level, label_ in (("province", "Province"), ("district", "District")):
        row = _row(pet, label_)
        assert row[1] == PETITIONS[level]["received"]
        assert row[6] == pytest.approx(PETITIONS[level]["processed_rate"] / 100)
    rec = wb["Reception"]
    expected = RECEPTION["total"]
    assert _row(rec, "Total") == (
        "Total", expected["regular"][0], expected["regular"][2], expected["unscheduled"][0],
        expected["unscheduled"][2], expected["dialogue"][0], expected["dialogue"][2],
        expected["routine"][0], expected["routine"][2], expected["total"][1],
        expected["total"][2], expected["total"][3], expected["total"][4])
    by_type = wb["By type"]
    assert _row(by_type, "Complaint") == ("Complaint", 3, 0.375, 2, 3, 2)
    assert _row(by_type, "Total") == ("Total", 8, 1.0, 4, 8, 3)
    assert _row(wb["By field"], "Land management")[1:3] == (3, 0.375)
    assert _row(wb["By handling"], "Accept for resolution") == (
        "Accept for resolution", 4, 0.5)
    assert _row(wb["On time and late"], "Processing of petitions") == (
        "Processing of petitions", 7, 1, 0, 0.875)
    assert _row(wb["Trends"], "Petitions received") == ("Petitions received", 8, 5, 3, 0.6)
    assert _row(wb["Reception duty"], "Lò Văn Khoa")[3:8] == (6, 0, 12, 2, "Not met")
    assert _row(wb["By unit"], "Đảng ủy xã Thanh Nưa")[6:10] == (2, 1, 2, pytest.approx(0.667))
    summary = dict(r for r in _sheet_rows(wb["Summary"]) if r[0])
    assert summary["Petitions processed"] == 8
    assert summary["Processed rate"] == 0.8
    for ws in wb:  # no number stored as text anywhere
        for row in ws.iter_rows(min_row=3, values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not re.fullmatch(r"[\d.,]+%?", value), (ws.title, value)
        assert ws.column_dimensions["A"].width >= 8


def test_xlsx_in_vietnamese(report, tmp_path):
    path = write_xlsx(report, tmp_path / "r.xlsx", lang="vi")
    wb = openpyxl.load_workbook(path)
    set_language("vi")
    assert wb.sheetnames[0] == _("Summary")
    pet = wb[_("Petitions")]
    assert _row(pet, _("Total"))[1:7] == (8, 4, 12, 10, 8, 0.8)


# --- PDF -------------------------------------------------------------------------------


def _pdf_text(path) -> str:
    reader = PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


BASE14 = {"Courier", "Helvetica", "Times-Roman", "Symbol", "ZapfDingbats"}


def _fonts_embedded(path) -> list[str]:
    """Names of every font in the PDF; fails on one that is not embedded."""
    reader = PdfReader(str(path))
    found = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            name = str(font["/BaseFont"])
            found.append(name)
            desc = font.get("/FontDescriptor")
            assert desc is not None, name
            desc = desc.get_object()
            assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
            assert not any(name.lstrip("/").startswith(b) for b in BASE14), name
    return found


def _row_text(*cells: str) -> str:
    return " ".join(cells)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pdf_shows_every_figure(report, tmp_path, lang):
    path = tmp_path / f"r-{lang}.pdf"
    pages = write_pdf(report, None, path, lang=lang)
    assert pages >= 3
    text = _pdf_text(path)
    set_language(lang)  # to word the expectations as the document did
    assert _("Report").upper() in text
    assert PERIOD.phrase in text
    assert "Tỉnh ủy Điện Biên".upper() in text
    pct = {"vi": {80.0: "80,0%", 83.3: "83,3%", 66.7: "66,7%", 50.0: "50,0%", 100.0: "100,0%",
                  0.0: "0,0%", 87.5: "87,5%", 37.5: "37,5%", 60.0: "60,0%"},
           "en": {80.0: "80.0%", 83.3: "83.3%", 66.7: "66.7%", 50.0: "50.0%", 100.0: "100.0%",
                  0.0: "0.0%", 87.5: "87.5%", 37.5: "37.5%", 60.0: "60.0%"}}[lang]
    wrong = "83.3%" if lang == "vi" else "83,3%"
    assert wrong not in text
    for level, title in (("province", _("Province")), ("district", _("District")),
                         ("commune", _("Commune")), ("total", _("Total"))):
        f = PETITIONS[level]
        assert _row_text(title, *(str(f[k]) for k in (
            "received", "carried_over", "total", "to_process", "processed")),
            pct[f["processed_rate"]], str(f["to_resolve"]), str(f["resolved"]),
            pct[f["resolved_rate"]], str(f["open_at_end"]), str(f["overdue_at_end"])) in text
        r = RECEPTION[level]
        assert _row_text(title, *(str(r[k][i]) for k, i in (
            ("regular", 0), ("regular", 2), ("unscheduled", 0), ("unscheduled", 2),
            ("dialogue", 0), ("dialogue", 2), ("routine", 0), ("routine", 2), ("total", 1),
            ("total", 2), ("total", 3), ("total", 4)))) in text
    m, i = MEETINGS_TOTAL, INSPECTIONS_TOTAL
    assert _row_text(_("Total"), *(str(x) for x in (
        m["meetings"], m["regular"], m["unscheduled"], m["notices"], i["inspections"],
        i["supervisions"], i["organisations"], i["members"], i["with_violations"]))) in text
    complaint = BY_TYPE["complaint"]
    assert _row_text(_("Complaint"), str(complaint[0]), pct[complaint[4]],
                     *(str(x) for x in complaint[1:4])) in text
    t = TIMELINESS
    assert _row_text(_("Processing of petitions"), str(t["processed_on_time"]),
                     str(t["processed_late"]), "0", pct[t["processed_on_time_rate"]]) in text
    assert _row_text(_("Petitions received"), "8", "5", "3", pct[60.0]) in text
    assert _row_text("Lò Văn Khoa") in text
    # the narrative came from the skeleton, in the document's language
    assert pct[80.0] in text
    assert "Trần Quốc Cường" in text  # the signer


def test_pdf_uses_the_edited_narrative_and_embeds_every_font(report, tmp_path):
    narrative = narrative_skeleton(report)
    narrative["strengths"] = "Các cấp ủy đã chủ động nắm tình hình, đối thoại kịp thời."
    path = tmp_path / "r.pdf"
    write_pdf(report, narrative, path, lang="vi")
    text = _pdf_text(path)
    assert "Các cấp ủy đã chủ động nắm tình hình, đối thoại kịp thời." in text
    fonts = _fonts_embedded(path)
    assert fonts


def test_documents_come_out_in_the_other_language_and_it_is_restored(report, tmp_path):
    set_language("vi")
    write_pdf(report, None, tmp_path / "en.pdf", lang="en")
    from receptiondesk.i18n import current_language

    assert current_language() == "vi"
    text = _pdf_text(tmp_path / "en.pdf")
    assert "80.0%" in text and "80,0%" not in text


# --- periods ------------------------------------------------------------------------------


def test_presets_end_in_the_year_given():
    assert (periods.month_period(2026, 2).start, periods.month_period(2026, 2).end) == (
        date(2026, 2, 1), date(2026, 2, 28))
    assert periods.q1_period(2026).end == date(2026, 3, 31)
    assert periods.six_months_period(2026).end == date(2026, 6, 30)
    assert periods.nine_months_period(2026).end == date(2026, 9, 30)
    y = periods.year_period(2026)
    assert (y.start, y.end) == (date(2026, 1, 1), date(2026, 12, 31))
    term = periods.term_period(2021)
    assert (term.start, term.end) == (date(2021, 1, 1), date(2025, 12, 31))
    assert periods.term_period(date(2020, 10, 15), date(2025, 9, 30)).title == "Term 2020–2025"
    assert periods.q1_period(2026).title == "First quarter of 2026"
    assert periods.month_period(2026, 3).title == "March 2026"
    assert periods.custom_period(date(2026, 1, 5), date(2026, 2, 4)).title == (
        "From 05/01/2026 to 04/02/2026")
    # a range of whole months from January is named like the preset it matches
    assert periods.custom_period(date(2026, 1, 1), date(2026, 6, 30)).kind == "6m"
    assert periods.period_for_preset("month", year=2026, month=3) == periods.month_period(
        2026, 3)
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))


def test_previous_period_has_the_same_length():
    def prev(p):
        q = previous_period(p)
        return q.start, q.end

    assert prev(periods.month_period(2026, 3)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert prev(periods.month_period(2026, 1)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert prev(periods.q1_period(2026)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert prev(periods.six_months_period(2026)) == (date(2025, 7, 1), date(2025, 12, 31))
    assert prev(periods.nine_months_period(2026)) == (date(2025, 4, 1), date(2025, 12, 31))
    assert prev(periods.year_period(2026)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert previous_period(periods.year_period(2026)).title == "Year 2025"
    assert prev(periods.term_period(2021)) == (date(2016, 1, 1), date(2020, 12, 31))
    assert prev(periods.custom_period(date(2026, 3, 11), date(2026, 3, 20))) == (
        date(2026, 3, 1), date(2026, 3, 10))


def test_period_titles_follow_the_language():
    p = periods.q1_period(2026)
    set_language("vi")
    assert p.title == _("First quarter of {year}").format(year=2026)
    assert p.phrase[0] == p.title[0].lower()


# --- command line -------------------------------------------------------------------------


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang")
    sub = parser.add_subparsers(dest="command")
    add_report_parser(sub)
    return parser.parse_args(argv)


def test_cli_writes_the_report(db, world, session, tmp_path, capsys):
    session.commit()
    out = tmp_path / "r.json"
    args = _parse(["report", "periodic", "--preset", "6m", "--year", "2025", "--unit", "TU",
                   "--format", "json", "--out", str(out)])
    assert cmd_report(args, db) == 0
    line = capsys.readouterr().out.strip()
    assert str(out) in line and "\n" not in line
    data = json.loads(out.read_text(encoding="utf-8"))
    # Today is later than in the fixture, so overdue is judged on 30/6: same figures.
    assert data["total"]["petitions"]["processed"] == 8
    assert data["total"]["petitions"]["received"] == 8
    out_x = tmp_path / "r.xlsx"
    args = _parse(["report", "periodic", "--from", "2025-01-01", "--to", "30/06/2025",
                   "--out", str(out_x), "--lang", "en"])
    assert cmd_report(args, db) == 0  # the home unit, the format from the file name
    assert openpyxl.load_workbook(out_x)["Petitions"].max_row == 6


@pytest.mark.parametrize("argv", [
    ["report", "periodic", "--from", "2025-06-30", "--to", "2025-01-01", "--format", "json"],
    ["report", "periodic", "--preset", "month", "--year", "2025", "--format", "json"],
    ["report", "periodic", "--preset", "year", "--format", "json"],
    ["report", "periodic", "--format", "json"],
    ["report", "periodic", "--preset", "year", "--year", "2025", "--unit", "NOPE",
     "--format", "json"],
    ["report", "periodic", "--preset", "year", "--year", "2025"],
])
def test_cli_mistakes_are_service_errors(db, world, session, tmp_path, argv):
    session.commit()
    args = _parse(argv + ["--out", str(tmp_path / "r.txt")])
    with pytest.raises(ServiceError) as info:
        cmd_report(args, db)
    assert str(info.value)


# --- the same through the interchange files (DESIGN §8) -------------------------------------

UNITS_CSV = """code,name,level,parent_code,kind,place_name,remote_area
TINH,Tỉnh ủy Lai Châu,province,,party,Lai Châu,no
HUYEN,Huyện ủy Tam Đường,district,TINH,party,,no
XA1,Đảng ủy xã Bản Giang,commune,HUYEN,party,,no
XA2,Đảng ủy xã Bình Lư,commune,TINH,party,,no
"""
def _csv(header: str, *rows: str) -> str:
    return "\n".join((header, *rows)) + "\n"


LOGBOOK_CSV = _csv(
    "unit_code,session_ref,date,session_kind,presiding_official,citizen_name,head_count,"
    "content,field_code,petition_type,handling",
    "TINH,S1,2025-02-10,regular,Giàng A Páo,Lò Văn An,1,Hỏi đất,land,complaint,guide",
    "TINH,S1,2025-02-10,regular,Giàng A Páo,Lò Thị Bình,2,Hỏi đất,land,complaint,guide",
    "TINH,S2,2025-03-05,unscheduled,Giàng A Páo,Tẩn Láo Sử,7,Đoàn đông người,compensation,"
    "complaint,accept",
    "HUYEN,S3,2025-01-15,regular,Vàng A Chư,Lý Văn Cường,1,Chế độ,social_policy,"
    "recommendation,guide",
    "HUYEN,S4,2025-04-20,dialogue,Vàng A Chư,Sùng A Dế,6,Đối thoại,compensation,complaint,none",
    "XA1,S5,2025-01-08,regular,Lò Văn Khoa,Hoàng Thị Én,1,Môi trường,environment,reflection,"
    "guide",
    "XA2,S6,2025-05-14,regular,Quàng Văn Bình,Điêu Văn Phong,1,Đất,land,complaint,accept",
    "XA2,S6,2025-05-14,regular,Quàng Văn Bình,Lường Thị Giang,1,Đất,land,complaint,guide",
    "XA2,S7,2025-08-01,regular,Quàng Văn Bình,Lường Văn Hải,1,Sau kỳ,land,complaint,guide",
)
PETITIONS_CSV = _csv(
    "unit_code,ref,received_date,source,type,field_code,petitioner_name,signers,content,"
    "handling,handling_date,status,result,result_date",
    "XA1,D1,2024-12-10,post,complaint,land,Lò Văn An,1,Tranh chấp,accept,2024-12-16,"
    "in_resolution,,",
    "XA1,D2,2025-01-05,post,recommendation,land,Hoàng Thị Én,1,Kiến nghị,guide,2025-01-08,"
    "guided,,",
    "XA2,D3,2025-02-01,post,complaint,compensation,Điêu Văn Phong,1,Bồi thường,accept,"
    "2025-02-05,resolved,correct,2025-02-20",
    "XA2,D4,2025-06-20,post,reflection,other,Lường Thị Giang,1,Phản ánh,,,received,,",
    "HUYEN,D5,2024-11-20,post,denunciation,corruption,Ẩn danh,1,Tố cáo,,,classified,,",
    "TINH,D6,2025-03-01,post,recommendation,social_policy,Lý Văn Cường,1,Chế độ,forward,"
    "2025-03-03,forwarded,,",
    "TINH,D7,2024-09-01,post,reflection,other,Sùng A Dế,1,Cũ,archive,2024-09-05,archived,,",
)


def test_figures_of_imported_files(session, tmp_path):
    """Sessions, visits and petitions imported from files, with known totals by level."""
    from receptiondesk.exchange.importer import import_file

    for kind, text in (("units", UNITS_CSV), ("logbook", LOGBOOK_CSV),
                       ("petitions", PETITIONS_CSV)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        if kind != "units":
            units.set_home_unit(session, units.unit_by_code(session, "TINH").id)
        import_file(session, kind, path, today=TODAY)
    tinh = units.unit_by_code(session, "TINH")
    data = periodic_report(session, tinh.id, PERIOD, today=TODAY).as_dict()
    reception = {level: {kind: tuple(_scope(data, level)["reception"][kind][f]
                                     for f in SESSION_FIELDS)
                         for kind in ("regular", "unscheduled", "dialogue", "total")}
                 for level in ("province", "district", "commune", "total")}
    assert reception == {
        "province": {"regular": (1, 2, 3, 0, 0), "unscheduled": (1, 1, 7, 1, 7),
                     "dialogue": (0, 0, 0, 0, 0), "total": (2, 3, 10, 1, 7)},
        "district": {"regular": (1, 1, 1, 0, 0), "unscheduled": (0, 0, 0, 0, 0),
                     "dialogue": (1, 1, 6, 1, 6), "total": (2, 2, 7, 1, 6)},
        "commune": {"regular": (2, 3, 3, 0, 0), "unscheduled": (0, 0, 0, 0, 0),
                    "dialogue": (0, 0, 0, 0, 0), "total": (2, 3, 3, 0, 0)},
        "total": {"regular": (4, 6, 7, 0, 0), "unscheduled": (1, 1, 7, 1, 7),
                  "dialogue": (1, 1, 6, 1, 6), "total": (6, 8, 20, 2, 13)},
    }
    petitions = {level: _scope(data, level)["petitions"]
                 for level in ("province", "district", "commune", "total")}
    pick = ("received", "carried_over", "to_process", "processed", "processed_rate",
            "to_resolve", "resolved", "resolved_rate", "open_at_end", "overdue_at_end")
    got = {level: tuple(p[k] for k in pick) for level, p in petitions.items()}
    assert got == {
        # D6 new, forwarded
        "province": (1, 0, 1, 1, 100.0, 0, 0, 0.0, 0, 0),
        # D5 carried over, classified only: overdue
        "district": (0, 1, 1, 0, 0.0, 0, 0, 0.0, 1, 1),
        # D2 D3 D4 new (D2 guided, D3 accepted and resolved); D1 carried in resolution
        "commune": (3, 1, 3, 2, 66.7, 2, 1, 50.0, 2, 1),
        "total": (4, 2, 5, 3, 60.0, 2, 1, 50.0, 3, 2),
    }
    assert {r["code"]: r["count"] for r in data["by_handling"]} == {
        "accept": 1, "guide": 1, "forward": 1}
