"""The demo's working meetings, concluding notices and inspections (a mixin of the
generator)."""

from __future__ import annotations

from datetime import date

from ..documents.numbering import document_symbol
from .names import _CONCLUSIONS, _FINDINGS_BAD, _FINDINGS_OK, _PROJECTS
from .records import _Off, _Unit
from .writer import _Values, _Writer


class Work:
    """Meetings, notices and inspections."""

    # --- meetings, notices and inspections ---------------------------------------------

    def make_work(self, unit: _Unit, w: _Writer, v: _Values,
                  session_notices: list[tuple]) -> None:
        r, ri = self.r, self.ri
        head = unit.head
        start, end = self.start, unit.active_to
        villages = [x[0].lower() + x[1:] for x in unit.place.villages]
        if unit.subordinates:
            subs = unit.subordinates
        elif unit.kind == "party":
            subs = [f"Chi bộ {x}" for x in villages]
        else:
            subs = [f"Tổ hòa giải {x}" for x in villages] + [
                f"Công an {unit.place.full}", f"Bộ phận Một cửa {unit.short}"]
        meetings: list[tuple[date, str]] = []
        for year in range(start.year, end.year + 1):
            if unit.kind == "party":
                for q in range(1, 5):
                    meetings.append((self.workday(date(year, 3 * q, 1), date(year, 3 * q, 25)),
                                     "regular"))
                for _i in range(ri(1, 3)):
                    meetings.append((self.workday(date(year, 1, 15), date(year, 12, 20)),
                                     "unscheduled"))
            else:
                for month in (6, 12):
                    meetings.append((self.workday(date(year, month, 1), date(year, month, 25)),
                                     "regular"))
                if r() < 0.6:
                    meetings.append((self.workday(date(year, 1, 15), date(year, 12, 20)),
                                     "unscheduled"))
        meetings = sorted(m for m in meetings if start <= m[0] <= end)
        where = (f"Hội trường {unit.name}" if unit.kind == "party"
                 else f"Phòng họp {unit.short}")
        for d, kind in meetings:
            mid = self.uid()
            year = d.year
            ref = f"BLV {unit.number('meeting', year):02d}/{year}"
            if kind == "regular":
                content = (f"Giao ban công tác tiếp công dân, giải quyết khiếu nại, tố cáo "
                           f"quý {(d.month - 1) // 3 + 1}/{year}")
                participants = ("Thường trực cấp ủy; người đứng đầu các cơ quan, đơn vị; "
                                + "; ".join(self.rnd.sample(subs, min(3, len(subs)))))
            else:
                sub = self.ch(subs)
                content = (f"Làm việc với {sub} về vụ việc khiếu nại đông người liên quan dự án "
                           f"{self.ch(_PROJECTS)}")
                participants = f"{sub}; các cơ quan chuyên môn có liên quan"
            conclusions = " ".join(f"{i}. {c}" for i, c in
                                   enumerate(self.rnd.sample(_CONCLUSIONS, 3), start=1))
            stamp = v.ts(d, self.minute(8 * 60, 11 * 60))
            w.add("working_meetings", (
                mid, stamp, stamp, 1, unit.id, ref, v.d(d), kind, head.id, head.name, where,
                participants, content, conclusions, False,
            ))
            issued = min(self.cal.add_working_days(d, ri(1, 5)), self.today)
            self.notice(unit, issued, mid, None, head, f"buổi làm việc ngày {d:%d/%m/%Y}",
                        conclusions, w, v)
        for d, sid, who, what in session_notices:
            issued = min(self.cal.add_working_days(d, ri(1, 4)), self.today)
            conclusions = " ".join(f"{i}. {c}" for i, c in
                                   enumerate(self.rnd.sample(_CONCLUSIONS, 2), start=1))
            self.notice(unit, issued, None, sid, who, what, conclusions, w, v)
        # Inspections and supervisions, by which body.
        for year in range(start.year, end.year + 1):
            if unit.kind == "party":
                plan = [("inspection_committee", "inspection"),
                        ("standing_committee", "supervision")]
                if r() < 0.4:
                    plan.append(("executive_committee", "inspection"))
            else:
                plan = [("peoples_committee", "inspection")]
                if unit.level != "commune":
                    plan.append(("inspectorate", "inspection"))
                if r() < 0.3:
                    plan.append(("other", "supervision"))
            for body, kind in plan:
                d = self.workday(date(year, 2, 15), date(year, 11, 30))
                if not (start <= d <= end):
                    continue
                orgs = self.rnd.sample(subs, min(len(subs), ri(2, 5)))
                members = [self.person_name((60, 35, 5), r() < 0.7) for _i in range(ri(0, 4))]
                violations = r() < 0.15
                prefix = "KT" if kind == "inspection" else "GS"
                ref = f"{prefix} {unit.number(prefix, year):02d}/{year}"
                content = (
                    "Kiểm tra việc thực hiện Quy định 11-QĐi/TW và Luật Tiếp công dân"
                    if kind == "inspection" else
                    "Giám sát việc tiếp công dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo"
                ) + f" năm {year}"
                findings = self.ch(_FINDINGS_BAD) if violations else _FINDINGS_OK
                conclusions = ("Yêu cầu khắc phục các tồn tại, báo cáo kết quả trong 30 ngày."
                               if violations else "Tiếp tục phát huy, thực hiện nghiêm quy định.")
                stamp = v.ts(d, self.minute(8 * 60, 16 * 60))
                w.add("inspections", (
                    self.uid(), stamp, stamp, 1, unit.id, ref, v.d(d), body, kind,
                    "; ".join(orgs), len(orgs), "; ".join(f"Đồng chí {m}" for m in members),
                    len(members), content, findings, violations, conclusions,
                ))

    def notice(self, unit: _Unit, issued: date, meeting_id: str | None, session_id: str | None,
               who: _Off, what: str, conclusions: str, w: _Writer, v: _Values) -> None:
        n = unit.number("notice", issued.year)
        # numbered from 01 each year, a leading zero below 10 (Decree 30/2020/NĐ-CP art. 15)
        number = document_symbol(unit.kind, unit.name, "TB", f"{n:02d}")
        content = (f"Thông báo kết luận của đồng chí {who.name}, {who.position} tại {what}: "
                   f"{conclusions}")
        stamp = v.ts(issued, self.minute(8 * 60, 16 * 60))
        w.add("concluding_notices", (
            self.uid(), stamp, stamp, 1, unit.id, number, v.d(issued), meeting_id, session_id,
            content, who.id,
        ))
