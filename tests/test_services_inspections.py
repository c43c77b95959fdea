"""Inspections and supervisions of subordinate organisations on reception work."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from receptiondesk.model import Inspection
from receptiondesk.services import inspections
from receptiondesk.services.errors import NotFoundError, ValidationError
from receptiondesk.services.inspections import InspectionFilter, InspectionInput

TODAY = date(2026, 3, 20)


def refused(session, call, *args, **kwargs) -> ValidationError:
    before = session.scalar(select(func.count(Inspection.id)))
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    assert not session.new
    assert session.scalar(select(func.count(Inspection.id))) == before
    return info.value


def test_counts_come_from_the_lists(session, unit):
    i = inspections.create_inspection(
        session, unit.id,
        InspectionInput(date(2026, 3, 5), body="inspection_committee",
                        organisations="Chi bộ thôn Bản Phăng\nChi bộ thôn Co Mỵ;  Chi bộ Trường "
                                      "Tiểu học\n\n",
                        members="Đồng chí Lò Văn Tiến",
                        content="Kiểm tra việc tiếp công dân của chi bộ",
                        findings="Sổ tiếp dân ghi chưa đủ", violations_found=True,
                        conclusions="Yêu cầu khắc phục"),
        today=TODAY,
    )
    assert (i.organisation_count, i.member_count) == (3, 1)
    assert i.body == "inspection_committee" and i.kind == "inspection"
    assert i.violations_found
    assert inspections.get_inspection(session, i.id) is i


def test_given_counts_are_kept(session, unit):
    # Imported reports often give a number without listing the organisations.
    i = inspections.create_inspection(
        session, unit.id,
        InspectionInput(date(2026, 1, 12), kind="supervision", organisation_count=12,
                        content="Giám sát giải quyết đơn thư"),
        today=TODAY,
    )
    assert (i.organisation_count, i.member_count) == (12, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"inspection_date": date(2026, 3, 21)}, "inspection_date"),
        ({"inspection_date": None}, "inspection_date"),
        ({"body": "police"}, "body"),
        ({"kind": "audit"}, "kind"),
        ({"content": ""}, "content"),
        ({"organisations": " \n ; "}, "organisations"),
        ({"organisation_count": 0}, "organisations"),
        ({"organisation_count": -2}, "organisation_count"),
        ({"member_count": -1, "organisations": "Chi bộ 1"}, "member_count"),
    ],
)
def test_inspection_validation_names_the_field_and_writes_nothing(
    session, unit, changes, field
):
    values = {"inspection_date": date(2026, 3, 5), "organisations": "Chi bộ thôn Bản Phăng",
              "content": "Kiểm tra"} | changes
    error = refused(session, inspections.create_inspection, session, unit.id,
                    InspectionInput(**values), today=TODAY)
    assert error.for_field(field), error.errors


def test_update_and_delete(session, unit):
    i = inspections.create_inspection(
        session, unit.id,
        InspectionInput(date(2026, 3, 5), organisations="Chi bộ 1", content="Kiểm tra"),
        today=TODAY,
    )
    refused(session, inspections.update_inspection, session, i.id,
            InspectionInput(date(2026, 3, 5), content="Kiểm tra"), today=TODAY)
    inspections.update_inspection(
        session, i.id,
        InspectionInput(date(2026, 3, 6), organisations="Chi bộ 1; Chi bộ 2",
                        content="Kiểm tra lại", violations_found=True),
        today=TODAY,
    )
    session.expire_all()
    assert (i.inspection_date, i.organisation_count, i.violations_found) == (
        date(2026, 3, 6), 2, True)
    inspections.delete_inspection(session, i.id)
    with pytest.raises(NotFoundError):
        inspections.get_inspection(session, i.id)


def test_list_filters_search_and_paging(session, unit):
    plan = [
        (date(2026, 1, 10), "standing_committee", "inspection", False,
         "Chi bộ thôn Bản Phăng", "Tiếp công dân định kỳ"),
        (date(2026, 1, 25), "inspection_committee", "supervision", True,
         "Chi bộ thôn Co Mỵ", "Giải quyết đơn về đất đai"),
        (date(2026, 2, 14), "standing_committee", "supervision", False,
         "Đảng ủy Quân sự", "Sổ theo dõi đơn"),
        (date(2026, 3, 3), "peoples_committee", "inspection", True,
         "UBND xã; Công an xã", "Đất đai và môi trường"),
    ]
    for day, body, kind, violations, orgs, content in plan:
        inspections.create_inspection(
            session, unit.id,
            InspectionInput(day, body=body, kind=kind, violations_found=violations,
                            organisations=orgs, content=content),
            today=TODAY,
        )

    def count(**kw) -> int:
        return inspections.count_inspections(session, InspectionFilter(**kw))

    listed = inspections.list_inspections(session, InspectionFilter())
    assert [i.inspection_date for i in listed] == sorted((p[0] for p in plan), reverse=True)
    assert count() == 4
    assert count(kinds=["supervision"]) == 2
    assert count(bodies=["standing_committee"]) == 2
    assert count(violations_only=True) == 2
    assert count(date_from=date(2026, 2, 1)) == 2
    assert count(date_to=date(2026, 1, 31), kinds=["inspection"]) == 1
    assert count(unit_ids=[unit.id]) == 4 and count(unit_ids=[]) == 0
    assert count(query="dat dai") == 2
    assert count(query="CO MY") == 1
    assert count(query="cong an xa") == 1
    assert count(query="dat dai", violations_only=True, kinds=["supervision"]) == 1
    pages = [inspections.list_inspections(session, InspectionFilter(), offset=o, limit=3)
             for o in (0, 3)]
    assert [len(p) for p in pages] == [3, 1]
    assert [i.id for p in pages for i in p] == [i.id for i in listed]
