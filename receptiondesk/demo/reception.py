"""The demo's reception sessions and visits (a mixin of the generator)."""

from __future__ import annotations

from datetime import date, timedelta

from ..services.indexing import session_search_text, visit_search_text
from ..text import fold
from .names import (
    _BODIES,
    _C_ACCUSED,
    _C_DECISION,
    _C_PREFIX,
    _C_SUBJECTS,
    _F_DETAILS,
    _OTHER_BODIES,
    _PREVIOUSLY,
    _PROJECTS,
    _W_VISIT_ONLY,
    _W_VISIT_PETITION,
    _W_VISITS_REGULAR,
)
from .records import PARTY_TWICE_A_MONTH, _Off, _Place, _Seed, _Unit
from .writer import _Values, _Writer


class Reception:
    """Reception sessions and their visits."""

    # --- reception sessions and visits -------------------------------------------------

    def session_days(self, unit: _Unit) -> list[tuple[date, str, _Off, str]]:
        """(date, kind, presiding official, mode) of every session of the unit."""
        r, cal = self.r, self.cal
        start, end = self.start, unit.active_to
        days: list[tuple[date, str, _Off, str]] = []
        head, clerk = unit.head, unit.clerk

        def add(d: date, kind: str, who: _Off, mode: str = "in_person") -> None:
            if start <= d <= end:
                days.append((d, kind, who, mode))

        # Regular sessions on the published schedule.
        month = date(start.year, start.month, 1)
        while month <= end:
            if unit.kind == "party":
                twice = unit.level == "commune" and month >= PARTY_TWICE_A_MONTH.replace(day=1)
                plan: tuple[int, ...] = (8, 22) if twice else (18,)
            elif unit.level == "district":
                plan = (6, 20)
            elif unit.level == "province":
                plan = (15,)
            else:
                plan = ()  # weekly, below
            for day in plan:
                d = cal.next_working_day(month.replace(day=day))
                if r() < 0.94:
                    online = unit.kind == "party" and month.month in (6, 12) and day == plan[0]
                    add(d, "regular", head, "online" if online else "in_person")
            month = (month + timedelta(days=32)).replace(day=1)
        if unit.kind == "state" and unit.level == "commune":
            # The chairman receives citizens every week (Citizen Reception Law, art. 15).
            weekday = self.ri(0, 3)
            monday = start - timedelta(days=start.weekday())
            while monday <= end:
                for k in range(weekday, 5):
                    d = monday + timedelta(days=k)
                    if cal.is_working_day(d):
                        if r() < 0.93:
                            add(d, "regular", head)
                        break
                monday += timedelta(days=7)
        # The routine desk (the reception office or the clerk), on working days.
        if unit.kind == "state":
            rate = {"province": 1.0, "district": 0.62}.get(
                unit.level, 0.22 if self.province else 0.1)
            d, one = start, timedelta(days=1)
            while d <= end:
                if cal.is_working_day(d) and r() < rate:
                    add(d, "routine", clerk)
                d += one
        # Unscheduled sessions (urgent, complex, long-running, many people) and dialogues.
        p_unscheduled = {"province": 0.5, "district": 0.3}.get(unit.level, 0.12)
        month = date(start.year, start.month, 1)
        while month <= end:
            if r() < p_unscheduled:
                add(self.workday(month, month + timedelta(days=27)), "unscheduled", head)
            month = (month + timedelta(days=32)).replace(day=1)
        for year in range(start.year, end.year + 1):
            for _i in range(self.ri(2, 4) if unit.kind == "state" else 1):
                d = self.workday(date(year, 1, 10), date(year, 12, 20))
                add(d, "dialogue", head, "online" if r() < 0.1 else "in_person")
        days.sort(key=lambda x: x[0])
        return days

    def visits_count(self, unit: _Unit, kind: str) -> int:
        ch = self.ch
        if kind == "dialogue":
            return ch((1, 1, 2))
        if kind == "unscheduled":
            return ch((1, 1, 2, 3))
        if kind == "routine":
            if unit.level == "commune":
                return ch((1, 1, 2, 2, 3, 4))
            return ch((2, 3, 3, 4, 4, 5, 5, 6, 7, 8))
        return _W_VISITS_REGULAR(self.r())

    def area(self, unit: _Unit) -> list[_Place]:
        place = unit.place
        return [place] if place.level == "commune" else place.communes

    def fill(self, pieces, values: dict[str, tuple[str, str]], raw: list[str],
             folded: list[str]) -> None:
        for lit, flit, name in pieces:
            if lit:
                raw.append(lit)
                if flit:
                    folded.append(flit)
            if name is not None:
                value, fvalue = values[name]
                raw.append(value)
                if fvalue:
                    folded.append(fvalue)

    def content(self, ptype: str, field_code: str, place: _Place, received: date,
                ) -> tuple[str, str]:
        """A petition's or visit's content and its folded form."""
        r, ri, ch, F = self.r, self.ri, self.ch, self.F
        village = ch(place.villages)
        village = village[0].lower() + village[1:]
        lot, sheet = str(ri(12, 480)), str(ri(1, 45))
        project = ch(_PROJECTS)
        year = str(received.year - ri(0, 2))
        values = {"lot": (lot, lot), "sheet": (sheet, sheet), "village": (village, F[village]),
                  "project": (project, F[project]), "year": (year, year)}
        raw: list[str] = []
        folded: list[str] = []
        if ptype == "complaint":
            if field_code in ("land", "compensation", "housing") and r() < 0.6:
                issued = received - timedelta(days=ri(20, 400))
                number = str(ri(15, 2800))
                issued_text = f"{issued.day:02d}/{issued.month:02d}/{issued.year}"
                self.fill(_C_DECISION, {
                    "number": (number, number),
                    "issued": (issued_text, issued_text.replace("/", " ")),
                    "place": (place.full, F[place.full]),
                }, raw, folded)
            else:
                self.fill(_C_PREFIX["complaint"][0], values, raw, folded)
        elif ptype == "denunciation":
            self.fill(_C_PREFIX["denunciation_head"][0], values, raw, folded)
            male = r() < 0.8
            name = self.person_name((70, 25, 5), male)
            title = "ông" if male else "bà"
            self.fill(ch(_C_ACCUSED), {"title": (title, F[title]), "name": (name, F[name]),
                                       "village": values["village"]}, raw, folded)
            self.fill(_C_PREFIX["denunciation_tail"][0], values, raw, folded)
        else:
            self.fill(ch(_C_PREFIX.get(ptype) or _C_PREFIX["reflection"]), values, raw, folded)
        self.fill(ch(_C_SUBJECTS.get(field_code) or _C_SUBJECTS["other"]), values, raw, folded)
        raw.append(".")
        if r() < 0.6:
            detail, fdetail = ch(_F_DETAILS)
            raw.append(" " + detail)
            folded.append(fdetail)
        text_, ftext = "".join(raw), " ".join(folded)
        return text_, self.checked("content", ftext, lambda: fold(text_))

    def body_for(self, unit: _Unit, field_code: str, forward: bool) -> str:
        """Where a petition is guided or forwarded to."""
        r = self.r
        p = unit.place
        if forward and unit.kind == "party" and r() < 0.7:
            return f"UBND {p.full}" if p.level != "province" else "UBND tỉnh Điện Biên"
        if p.level == "commune" and r() < 0.4:
            return f"UBND {p.district.full if p.district else 'huyện Điện Biên'}"
        return self.ch(_BODIES.get(field_code, _OTHER_BODIES))

    def make_sessions(self, unit: _Unit, w: _Writer, v: _Values, seeds: list[_Seed],
                      notices: list[tuple]) -> None:
        r = self.r
        area = self.area(unit)
        recorder = unit.clerk
        petition_p = 0.5 if self.province else 0.15
        for d, kind, who, mode in self.session_days(unit):
            sid = self.uid()
            begin = (7 * 60 + 30) if r() < 0.6 else (13 * 60 + 30)
            end_ = begin + (self.ch((180, 210, 240)) if kind != "dialogue" else 150)
            place = self.ch(area)
            if mode == "online":
                where = f"Điểm cầu trực tuyến {unit.short}"
            elif kind == "dialogue":
                village = self.ch(place.villages)
                where = f"Nhà văn hóa {village[0].lower()}{village[1:]}, {place.full}"
            elif unit.kind == "party":
                where = f"Trụ sở {unit.name}"
            else:
                where = f"Phòng Tiếp công dân {unit.short}"
            ref = f"TCD {unit.number('session', d.year):03d}/{d.year}"
            note = ""
            if kind == "unscheduled":
                note = self.ch(("Tiếp công dân đột xuất do vụ việc đông người, phức tạp",
                                "Tiếp công dân đột xuất theo đề nghị của công dân",
                                "Tiếp công dân đột xuất về vụ việc kéo dài"))
            stamp = v.ts(d, end_)
            w.add("reception_sessions", (
                sid, stamp, stamp, 1, unit.id, ref, v.d(d), v.t(begin), v.t(end_), where, kind,
                mode, who.id, who.name, recorder.id, note, False,
                session_search_text(ref, where, who.name, note),
            ))
            delegation_p = {"dialogue": 0.9, "unscheduled": 0.45}.get(kind, 0.03)
            for seq in range(1, self.visits_count(unit, kind) + 1):
                delegation = r() < delegation_p or (kind == "dialogue" and seq == 1)
                self.make_visit(unit, sid, seq, d, place, delegation, petition_p, w, v, seeds)
            if kind == "dialogue" or (kind == "unscheduled" and r() < 0.4):
                notices.append((d, sid, who, f"buổi tiếp công dân ngày {d:%d/%m/%Y}"))

    def make_visit(self, unit: _Unit, sid: str, seq: int, d: date, place: _Place,
                   delegation: bool, petition_p: float, w: _Writer, v: _Values,
                   seeds: list[_Seed]) -> None:
        r = self.r
        vid = self.uid()
        ptype = self.w_type[unit.kind](r())
        field_code = self.w_field(r())
        content, folded = self.content(ptype, field_code, place, d)
        if delegation:
            head_count = self.ri(5, 40)
            reps = list({p.id: p for p in (self.someone(place)
                                           for _i in range(self.ri(2, 4)))}.values())
            representatives = ", ".join(("Ông " if p.male else "Bà ") + p.name for p in reps)
            reps_folded = " ".join(("ong " if p.male else "ba ") + p.key for p in reps)
            attendees = [(p, True) for p in reps]
            note = f"Đoàn đông người ({head_count} người)"
        else:
            head_count = 1
            citizen = self.someone(place)
            reps = [citizen]
            representatives = reps_folded = note = ""
            attendees = [(citizen, False)]
            if r() < 0.08:
                other = self.someone(place)
                if other.id != citizen.id:
                    attendees.append((other, False))
                    head_count = 2
        makes_petition = r() < (0.8 if delegation else petition_p)
        handling = (_W_VISIT_PETITION if makes_petition else _W_VISIT_ONLY)(r())
        if handling == "accept":
            direction = (f"Tiếp nhận đơn, giao {unit.officer.position} kiểm tra, xác minh, "
                         "báo cáo kết quả trong thời hạn luật định.")
        elif handling == "guide":
            direction = (f"Hướng dẫn công dân gửi đơn đến {self.body_for(unit, field_code, False)}"
                         " để được giải quyết theo thẩm quyền.")
        elif handling == "forward":
            direction = (f"Tiếp nhận đơn, chuyển đến {self.body_for(unit, field_code, True)} "
                         "xem xét, giải quyết theo thẩm quyền.")
        else:
            direction = ("Giải thích, hướng dẫn công dân về chính sách, pháp luật có liên quan; "
                         "công dân đồng ý với ý kiến trả lời.")
        follow_up = ""
        if handling in ("accept", "forward") and (self.today - d).days > 45:
            follow_up = self.ch(("Đã có văn bản trả lời công dân", "",
                                 "Đã giải quyết, công dân nhất trí"))
        previously = ""
        if r() < 0.25:
            village = self.ch(place.villages)
            previously = self.ch(_PREVIOUSLY).format(village=village[0].lower() + village[1:])
        names = [p.name for p, _r in attendees]
        fast = " ".join(x for x in (*(p.key for p, _r in attendees), reps_folded, folded) if x)
        search = self.checked("visit", fast,
                              lambda: visit_search_text(content, names, representatives))
        stamp = v.ts(d, self.minute(8 * 60, 17 * 60))
        w.add("visits", (
            vid, stamp, stamp, 1, unit.id, sid, seq, v.d(d), reps[0].id, head_count, delegation,
            representatives, content, field_code, ptype, previously, handling, direction,
            follow_up, note, search, False,
        ))
        for i, (person, rep) in enumerate(attendees, start=1):
            w.add("visit_attendees", (self.uid(), stamp, stamp, 1, unit.id, vid, person.id, i,
                                      rep))
        if makes_petition:
            seeds.append(_Seed(
                received=d, ptype=ptype, field_code=field_code, source=self.reception_source,
                content=content, folded=folded, people=reps, signers=head_count, visit_id=vid,
                is_delegation=delegation,
                handling=handling if handling in ("accept", "forward", "guide") else None,
            ))
