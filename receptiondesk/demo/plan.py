"""The demo's petitions: each planned (handling, time limits, result), cut at today, and
written with its whole history; the showcase of every status near today (a mixin of the
generator)."""

from __future__ import annotations

from datetime import date, timedelta

from ..rules import competence
from ..rules.deadlines import (
    COMPLAINT_RESOLVE_FIRST,
    COMPLAINT_RESOLVE_SECOND,
    DENUNCIATION_ACCEPT,
    DENUNCIATION_RESOLVE,
    Extension,
    PetitionFacts,
    next_due,
    rule_days,
)
from ..services.indexing import petition_search_text
from .names import (
    _CLOSE_P,
    _FORWARDERS,
    _HANDLED_STATUS,
    _HANDLING_NOTE,
    _NOTE_EXTRA,
    _SOURCE_NOTES,
    _W_ANSWER,
    _W_COMPLAINT,
    _W_COMPLEXITY,
    _W_DENUNCIATION,
    _W_INELIGIBLE,
    _W_MIXED_D,
    _W_OUTSIDE,
    _W_PARTY,
    _W_STATE,
    _W_STATE_CD,
    _event_order,
)
from .records import _OPEN, _History, _Person, _Plan, _Seed, _Unit
from .writer import _Values, _Writer


class Petitions:
    """Planning and writing petitions."""

    # --- petitions -----------------------------------------------------------------

    def other_seeds(self, unit: _Unit, seeds: list[_Seed]) -> None:
        """Petitions that came by post, forwarded by other bodies, the mailbox or online."""
        r, ri, ch, cal = self.r, self.ri, self.ch, self.cal
        if self.province:
            rate = {("province", "state"): 7200, ("province", "party"): 2700,
                    ("district", "state"): 1950, ("district", "party"): 620,
                    ("commune", "state"): 400, ("commune", "party"): 125}
        else:
            rate = {("commune", "state"): 30, ("commune", "party"): 10}
        span = (unit.active_to - self.start).days
        count = int(rate.get((unit.level, unit.kind), 10) * max(span, 0) / 365.25
                    * (0.9 + 0.2 * r()))
        area = self.area(unit)
        w_type = self.w_type[unit.kind]
        for _i in range(count):
            d = self.start + timedelta(days=ri(0, span))
            if not cal.is_working_day(d):
                d = min(cal.next_working_day(d), unit.active_to)
            source = ch(self.other_sources)
            ptype = w_type(r())
            field_code = self.w_field(r())
            place = ch(area)
            content, folded = self.content(ptype, field_code, place, d)
            anonymous = (ptype == "denunciation" and r() < 0.2) or r() < 0.01
            people: list[_Person] = []
            signers = 1
            if not anonymous:
                x = r()
                if x < 0.9:
                    people = [self.someone(place)]
                else:
                    people = list({p.id: p for p in (self.someone(place)
                                                     for _j in range(ri(2, 4)))}.values())
                    signers = len(people) if x < 0.95 else ri(5, 60)
            seeds.append(_Seed(
                received=d, ptype=ptype, field_code=field_code, source=source, content=content,
                folded=folded, people=people, signers=max(signers, len(people), 1),
                anonymous=anonymous,
                forwarded_from=ch(_FORWARDERS) if source == "forwarded" else "",
            ))

    def handling_for(self, unit: _Unit, seed: _Seed, plan: _Plan) -> str:
        """How the unit handles the petition; never an acceptance the law refuses it (a
        Party committee forwards a complaint: ``rules.competence``)."""
        handling = self._handling_for(unit, seed, plan)
        if handling == "accept" and competence.refusal("accept", competence.PetitionCase(
                seed.ptype, unit.kind, bool(seed.anonymous))):
            return "forward"
        return handling

    def _handling_for(self, unit: _Unit, seed: _Seed, plan: _Plan) -> str:
        r = self.r
        if not plan.eligible:
            return _W_INELIGIBLE(r())
        if not plan.within:
            return _W_OUTSIDE(r())
        if seed.handling is not None and r() < 0.85:
            return seed.handling
        if unit.kind == "party":
            return _W_PARTY(r())
        if seed.ptype in ("complaint", "denunciation"):
            return _W_STATE_CD(r())
        return _W_STATE(r())

    def resolve_limit(self, unit: _Unit, ptype: str, round_: int, complexity: int,
                      accepted: date) -> tuple[str | None, int]:
        """The resolution deadline's key and length in days (None: no legal limit)."""
        if ptype == "complaint":
            key = COMPLAINT_RESOLVE_SECOND if round_ >= 2 else COMPLAINT_RESOLVE_FIRST
        elif ptype == "denunciation":
            key = DENUNCIATION_RESOLVE
        else:
            return None, 30
        rule = self.book.select(key, accepted)
        if rule is None:
            return None, 30
        return key, rule_days(rule, complex=complexity > 0, remote=unit.place.remote)

    def result_for(self, ptype: str) -> str:
        x = self.r()
        if ptype == "complaint":
            return _W_COMPLAINT(x)
        if ptype == "denunciation":
            return _W_DENUNCIATION(x)
        if ptype == "mixed" and self.r() < 0.5:
            return _W_MIXED_D(x)
        return _W_ANSWER(x)

    def random_plan(self, unit: _Unit, seed: _Seed, duplicate: bool, round_: int) -> _Plan:
        r, ri, cal = self.r, self.ri, self.cal
        plan = _Plan()
        plan.eligible = not seed.anonymous and r() > 0.05
        plan.beyond = r() < {"province": 0.25, "district": 0.12}.get(unit.level, 0.03)
        plan.within = not plan.beyond and r() > 0.08
        plan.complexity = _W_COMPLEXITY(r())
        x = r()
        if x < 0.4:
            k = ri(0, 2)
        elif x < 0.75:
            k = ri(3, 6)
        elif x < 0.9:
            k = ri(7, 9)
        elif x < 0.97:
            k = ri(10, 15)
        else:
            k = ri(16, 45)  # stuck: overdue while still open
        received = seed.received
        plan.classify = cal.add_working_days(received, k)
        plan.handling = "archive" if duplicate else self.handling_for(unit, seed, plan)
        plan.handle = cal.add_working_days(plan.classify, self.ch((0, 0, 1, 1, 2, 3, 5)))
        if seed.ptype == "denunciation" and r() < 0.6 and \
                cal.working_days_between(received, plan.handle) > 7:
            plan.accept_extension = cal.add_working_days(received, 5)
        if plan.handling == "accept":
            accepted = plan.handle
            plan.start = cal.next_working_day(accepted + timedelta(days=ri(0, 6)))
            key, days = self.resolve_limit(unit, seed.ptype, round_, plan.complexity, accepted)
            extensions = 0
            if key == DENUNCIATION_RESOLVE and plan.complexity and r() < 0.7:
                extensions = ri(1, plan.complexity)
            total = days + 30 * extensions
            x = r()
            if key is None:
                duration = ri(10, 60)
            elif x < 0.72:
                duration = int(total * (0.35 + 0.62 * r()))
            elif x < 0.93:
                duration = int(total * (1.0 + 0.4 * r()))
            else:
                duration = int(total * (1.5 + 1.5 * r()))
            resolve = max(cal.next_working_day(accepted + timedelta(days=duration)), plan.start)
            plan.resolve = resolve
            for i in range(extensions):
                decided = accepted + timedelta(days=30 * i + ri(20, 28))
                if decided <= resolve:
                    plan.resolve_extensions.append(decided)
            span = (resolve - plan.start).days
            if seed.ptype in ("complaint", "mixed") and span >= 6:
                plan.notes.append((plan.start + timedelta(days=span // 2),
                                   "Tổ chức đối thoại với người khiếu nại"))
            elif span >= 4 and r() < 0.2:
                plan.notes.append((plan.start + timedelta(days=ri(1, span - 1)),
                                   self.ch(_NOTE_EXTRA)))
            plan.result = self.result_for(seed.ptype)
            if r() < 0.85:
                plan.close = resolve + timedelta(days=ri(2, 30))
        else:
            if plan.handling in ("guide", "forward", "urge"):
                plan.handled_to = self.body_for(unit, seed.field_code, plan.handling != "guide")
            last = plan.handle
            if plan.handling == "forward" and r() < 0.2:
                plan.urge = last = plan.handle + timedelta(days=ri(15, 45))
            if r() < _CLOSE_P[plan.handling]:
                plan.close = last + timedelta(days=ri(1, 60))
        return plan

    def truncate(self, plan: _Plan, until: date, clamp: bool) -> None:
        """Drop the steps after ``until`` (a dissolved unit finishes them on its last day)."""
        steps = ("classify", "handle", "start", "resolve")
        cut = False
        for name in steps:
            d = getattr(plan, name)
            if d is not None and (cut or d > until):
                if clamp and not cut:
                    setattr(plan, name, until)
                else:
                    cut = True
                    setattr(plan, name, None)
        if plan.handle is None:
            plan.handling = None
            plan.handled_to = ""
        if plan.resolve is None:
            plan.result = None
        if plan.urge is not None and (plan.urge > until or plan.handle is None):
            plan.urge = None
        finished = plan.resolve if plan.handling == "accept" else plan.handle
        if plan.close is not None and (plan.close > until or finished is None):
            plan.close = None
        ext = plan.accept_extension
        if ext is not None and (ext > until or (plan.handle is not None and ext > plan.handle)):
            plan.accept_extension = None
        limit = min(plan.resolve or until, until)
        if plan.start is None and plan.handle is None:
            plan.resolve_extensions = []
        plan.resolve_extensions = [d for d in plan.resolve_extensions if d <= limit]
        plan.notes = [(d, n) for d, n in plan.notes if plan.start is not None and d <= limit]

    def make_petitions(self, unit: _Unit, seeds: list[_Seed], w: _Writer, v: _Values) -> None:
        r = self.r
        for i, s in enumerate(seeds):
            s.order = i
        seeds.sort(key=lambda s: (s.received, s.order))
        history: dict[str, _History] = {}
        clamp, until = unit.dissolved, unit.active_to
        second_round = unit.level != "commune" and unit.kind == "state"
        for seed in seeds:
            pid = self.uid()
            year = seed.received.year
            n = unit.number("petition", year)
            ref = f"{n:04d}/{year}/{unit.abbrev}"
            ref_key = f"{n:04d} {year} {unit.abbrev_key}"
            duplicate_of: str | None = None
            link_note = ""
            long_running = False
            key_person = seed.people[0].id if seed.people else None
            last = history.get(key_person) if key_person else None
            if last is not None and seed.plan is None:
                if last.finished is not None and last.finished < seed.received and r() < 0.5:
                    long_running = True
                    seed.field_code, seed.ptype = last.field_code, last.ptype
                    seed.content = "Tiếp tục " + last.content[0].lower() + last.content[1:]
                    seed.folded = "tiep tuc " + last.folded
                    link_note = (f"Đơn kéo dài: vụ việc đã được giải quyết tại đơn số "
                                 f"{last.ref}, nay công dân tiếp tục gửi đơn")
                elif (seed.received - last.received).days <= 90 and r() < 0.35:
                    duplicate_of = last.original_id
                    seed.field_code, seed.ptype = last.field_code, last.ptype
                    seed.content, seed.folded = last.content, last.folded
                    link_note = f"Trùng nội dung với đơn số {last.ref}"
            round_ = 2 if (second_round and seed.ptype == "complaint" and r() < 0.25) else 1
            plan = seed.plan or self.random_plan(unit, seed, duplicate_of is not None, round_)
            self.truncate(plan, until, clamp)
            status = self.emit_petition(unit, seed, plan, pid, ref, ref_key, round_,
                                        duplicate_of, long_running, link_note, w, v)
            if key_person is not None:
                history[key_person] = _History(
                    pid, ref, seed.received, seed.ptype, seed.field_code, seed.content,
                    seed.folded, duplicate_of or pid,
                    plan.resolve if status in ("resolved", "closed") else None,
                )

    def emit_petition(self, unit: _Unit, seed: _Seed, plan: _Plan, pid: str, ref: str,
                      ref_key: str, round_: int, duplicate_of: str | None, long_running: bool,
                      link_note: str, w: _Writer, v: _Values) -> str:
        r = self.r
        clerk, head, officer = unit.clerk.id, unit.head.id, unit.officer
        received = seed.received
        # (date, order on the same day, kind, from, to, official id, note)
        events: list[tuple] = []
        note = _SOURCE_NOTES.get(seed.source) or (
            f"Tiếp nhận đơn do {seed.forwarded_from or 'cơ quan khác'} chuyển đến")
        events.append((received, 0, "transition", None, "received", clerk, note))
        status = "received"
        if link_note:
            events.append((received, 1, "link", None, None, clerk, link_note))
        extensions: list[tuple[str, date, int, str]] = []
        if plan.accept_extension is not None:
            extensions.append((DENUNCIATION_ACCEPT, plan.accept_extension, 3,
                               "Cần thêm thời gian xác minh thông tin người tố cáo"))
        if plan.classify is not None:
            if duplicate_of:
                note = "Đơn trùng nội dung, đã được xem xét"
            elif not plan.eligible:
                note = "Đơn không đủ điều kiện xử lý"
            elif not plan.within:
                note = ("Đơn gửi vượt cấp, không thuộc thẩm quyền" if plan.beyond
                        else "Đơn không thuộc thẩm quyền giải quyết")
            else:
                note = "Đơn đủ điều kiện xử lý, thuộc thẩm quyền"
            events.append((plan.classify, 2, "transition", "received", "classified", clerk,
                           note))
            status = "classified"
        handling = plan.handling if plan.handle is not None else None
        if handling is not None:
            target = _HANDLED_STATUS[handling]
            if handling == "guide":
                note = f"Hướng dẫn công dân gửi đơn đến {plan.handled_to}"
            elif handling == "forward":
                note = f"Chuyển đơn đến {plan.handled_to}"
            elif handling == "urge":
                note = f"Đôn đốc {plan.handled_to} giải quyết"
            else:
                note = _HANDLING_NOTE[handling] + (" (đơn trùng)" if duplicate_of else "")
            events.append((plan.handle, 4, "transition", "classified", target, head, note))
            status = target
        notified = handling == "accept" and seed.ptype == "denunciation"
        if notified:  # the parties told of the acceptance the same day (Luật Tố cáo, Điều 29)
            events.append((plan.handle, 5, "notice", None, None, head,
                           "Thông báo việc thụ lý cho người tố cáo và người bị tố cáo"))
        if plan.urge is not None:
            events.append((plan.urge, 5, "transition", "forwarded", "forwarded", head,
                           f"Đôn đốc {plan.handled_to} giải quyết"))
        if plan.start is not None:
            events.append((plan.start, 6, "transition", "accepted", "in_resolution", head,
                           f"Giao {officer.position} xác minh, đề xuất giải quyết"))
            status = "in_resolution"
        for decided in plan.resolve_extensions:
            extensions.append((DENUNCIATION_RESOLVE, decided, 30,
                               "Vụ việc phức tạp, cần thêm thời gian xác minh"))
        for day, text_ in plan.notes:
            events.append((day, 7, "note", None, None, officer.id, text_))
        decision_number = ""
        result = None
        if plan.resolve is not None:
            result = plan.result or "withdrawn"
            note = ("Công dân rút đơn; đình chỉ giải quyết" if result == "withdrawn"
                    else "Đã có kết quả giải quyết, thông báo cho công dân")
            events.append((plan.resolve, 8, "transition", "in_resolution", "resolved", head,
                           note))
            status = "resolved"
            n = unit.number("decision", plan.resolve.year)
            party = unit.kind == "party"
            if seed.ptype in ("complaint", "denunciation", "mixed"):
                decision_number = f"{n}-QĐ/{unit.abbrev}" if party else f"{n}/QĐ-UBND"
            else:
                decision_number = f"{n}-CV/{unit.abbrev}" if party else f"{n}/UBND-VP"
        if plan.close is not None:
            events.append((plan.close, 9, "transition", status, "closed", clerk,
                           "Kết thúc xử lý, lưu hồ sơ"))
            status = "closed"
        ts, d, uid, add = v.ts, v.d, self.uid, w.add
        for key, decided, days, reason in extensions:
            n = unit.number("extension", decided.year)
            number = f"{n}/QĐ-UBND" if unit.kind == "state" else f"{n}-QĐ/{unit.abbrev}"
            order = 3 if key == DENUNCIATION_ACCEPT else 7
            events.append((decided, order, "extension", None, None, head,
                           f"Gia hạn {days} ngày: {reason}"))
            stamp = ts(decided, self.minute())
            add("deadline_extensions", (uid(), stamp, stamp, 1, unit.id, pid, key, d(decided),
                                        days, reason, number, head))
        if len(events) > 1:
            events.sort(key=_event_order)
        created = stamp = ""
        prev_day, minute = None, 0
        unit_id = unit.id
        out = w.rows("petition_events")
        for seq, (day, _o, kind, from_s, to_s, official, note) in enumerate(events, start=1):
            if day == prev_day:
                minute = min(minute + 1 + int(r() * 40), 24 * 60 - 1)
            else:
                minute = 450 + int(r() * 570)  # 7:30 to 17:00
                prev_day = day
            stamp = ts(day, minute)
            if seq == 1:
                created = stamp
            out.append((uid(), stamp, stamp, 1, unit_id, pid, seq, kind, d(day), from_s, to_s,
                        official, note, stamp))
        # The petitioners as written on the petition (a snapshot of the citizens).
        if seed.people:
            out = w.rows("petitioners")
            for seq, p in enumerate(seed.people, start=1):
                out.append((uid(), created, created, 1, unit_id, pid, p.id, seq, p.name,
                            p.id_number, p.address, p.phone, p.key))
        classified = plan.classify is not None
        accepted = handling == "accept"
        due_date = due_key = None
        if status in _OPEN:
            facts = PetitionFacts(
                petition_type=seed.ptype, status=status, received_date=received,
                accepted_date=plan.handle if accepted else None, complaint_round=round_,
                complex=classified and plan.complexity > 0, remote_area=unit.place.remote,
                party_unit=unit.kind == "party", anonymous=bool(seed.anonymous),
                notified=notified,
                extensions=tuple(Extension(k, n, dd, rs) for k, dd, n, rs in extensions),
            )
            first = next_due(facts, self.book, self.cal)
            if first is not None:
                due_date, due_key = first.due, first.key
        handling_date = plan.handle
        if plan.urge is not None:
            handling, handling_date = "urge", plan.urge
        denunciation = seed.ptype == "denunciation"
        if denunciation:
            fast = " ".join(x for x in (ref_key, seed.folded) if x)
        else:
            fast = " ".join(x for x in (ref_key, *(p.pet_part for p in seed.people),
                                        seed.folded) if x)
        search = self.checked("petition", fast, lambda: petition_search_text(
            ref, seed.content, [(p.name, p.id_number, p.address) for p in seed.people],
            denunciation=denunciation))
        assigned = (officer.id if r() < 0.7 else head) if accepted else None
        add("petitions", (
            pid, created, stamp, 1, unit.id, ref, d(received), seed.source, seed.ptype,
            seed.field_code, seed.content, seed.visit_id, seed.forwarded_from, seed.signers,
            plan.eligible if classified else None, plan.within if classified else None,
            seed.anonymous, False, duplicate_of, seed.signers >= 5,
            classified and plan.beyond,
            long_running, seed.is_delegation, plan.complexity if classified else 0, round_,
            status, handling, d(handling_date), plan.handled_to,
            d(plan.handle) if accepted else None, assigned, result, d(plan.resolve),
            decision_number, d(plan.resolve), d(plan.close), d(due_date), due_key, search,
        ))
        return status

    # --- showcase: every status, due soon and overdue, near today ----------------------

    def showcase(self, unit: _Unit) -> list[_Seed]:
        """Recent petitions that make sure every status and every warning is present."""
        cal, today = self.cal, self.today
        place = self.area(unit)[0]
        fields = self.field_codes
        seeds: list[_Seed] = []
        wd = cal.add_working_days

        def back(days: int) -> date:
            d = today - timedelta(days=days)
            while not cal.is_working_day(d):
                d -= timedelta(days=1)
            return d

        def soon(ptype: str) -> date:
            """A receipt date whose first deadline falls within the coming week."""
            for days in range(1, 40):
                received = back(days)
                facts = PetitionFacts(ptype, "received", received, None, 1, False,
                                      unit.place.remote, unit.kind == "party")
                first = next_due(facts, self.book, cal)
                if first is not None and today < first.due <= today + timedelta(days=6):
                    return received
            return back(5)

        def add(ptype: str, received: date, plan: _Plan, anonymous: bool = False,
                source: str = "post") -> None:
            field_code = fields[len(seeds) % len(fields)]
            content, folded = self.content(ptype, field_code, place, received)
            seeds.append(_Seed(
                received=received, ptype=ptype, field_code=field_code,
                source=source if source in self.sources else self.sources[0],
                content=content, folded=folded,
                people=[] if anonymous else [self.someone(place)], anonymous=anonymous,
                plan=plan,
            ))

        # Received: due within the week; overdue.
        add("complaint", soon("complaint"), _Plan())
        add("reflection", back(35), _Plan())
        # Classified: overdue; due within the week.
        r = back(40)
        add("denunciation", r, _Plan(classify=wd(r, 3)))
        r = soon("recommendation")
        add("recommendation", r, _Plan(classify=r))
        # What this body accepts and resolves itself: a Party committee does not resolve
        # complaints (``rules.competence``), it resolves denunciations under Party rules.
        cd = "denunciation" if unit.kind == "party" else "complaint"
        # Accepted, overdue.
        r = back(80)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=wd(r, 4)))
        # In resolution, due within the week.
        _key, days = self.resolve_limit(unit, cd, 1, 0, today)
        accepted = today + timedelta(days=4 - days)
        while not cal.is_working_day(accepted):
            accepted -= timedelta(days=1)
        r = wd(accepted, -4)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=accepted,
                         start=wd(accepted, 1)))
        # In resolution, extended once and still overdue.
        r = back(95)
        a = wd(r, 5)
        add("denunciation", r, _Plan(classify=wd(r, 3), handling="accept", handle=a,
                                     start=wd(a, 2), complexity=1,
                                     resolve_extensions=[a + timedelta(days=25)]))
        # Resolved; guided; forwarded then urged; archived; returned; closed.
        r = back(70)
        a = wd(r, 3)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=a, start=wd(a, 2),
                         resolve=back(8), result="partly_" + (
                             "founded" if cd == "denunciation" else "correct")))
        r = back(20)
        add("recommendation", r, _Plan(classify=wd(r, 2), handling="guide", handle=wd(r, 3),
                                       handled_to=self.body_for(unit, "land", False)))
        r = back(60)
        add("reflection", r, _Plan(classify=wd(r, 1), handling="forward", handle=wd(r, 2),
                                   handled_to=self.body_for(unit, "other", True),
                                   urge=wd(r, 20)))
        r = back(15)
        add("denunciation", r, _Plan(classify=wd(r, 1), handling="archive", handle=wd(r, 2),
                                     eligible=False), anonymous=True, source="mailbox")
        r = back(25)
        add("recommendation", r, _Plan(classify=wd(r, 2), handling="return", handle=wd(r, 3),
                                       within=False))
        r = back(130)
        a = wd(r, 4)
        # (a mixed petition is split before acceptance, never accepted as one)
        add("denunciation", r, _Plan(classify=wd(r, 2), handling="accept", handle=a,
                                     start=wd(a, 1), resolve=wd(a, 30), result="founded",
                                     close=back(30)))
        return [s for s in seeds if s.received >= self.start]
