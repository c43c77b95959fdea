"""The demo's citizens, places, units and officials (a mixin of the generator)."""

from __future__ import annotations

from datetime import timedelta

from ..services.indexing import citizen_keys
from ..text import fold
from .names import (
    _DISTRICTS,
    _HMONG_F,
    _HMONG_GIVEN_F,
    _HMONG_GIVEN_M,
    _KINH_F,
    _KINH_GIVEN_F,
    _KINH_GIVEN_M,
    _KINH_MIDDLE_F,
    _KINH_MIDDLE_M,
    _MUONG_PHANG_VILLAGES,
    _REMOTE_COMMUNES,
    _THAI_F,
    _THAI_GIVEN_F,
    _THAI_GIVEN_M,
    _VILLAGE_STEMS,
)
from .records import _Off, _Person, _Place, _Unit
from .writer import _Values, _Writer


class People:
    """Citizens, places, units and officials."""

    # --- people ----------------------------------------------------------------------

    def person_name(self, mix: tuple[int, int, int], male: bool) -> str:
        ch = self.ch
        x = self.r() * (mix[0] + mix[1] + mix[2])
        if x < mix[0]:
            family = _KINH_F(self.r())
            middle = ch(_KINH_MIDDLE_M if male else _KINH_MIDDLE_F)
            given = ch(_KINH_GIVEN_M if male else _KINH_GIVEN_F)
            if middle == given:
                middle = "Văn" if male else "Thị"
        elif x < mix[0] + mix[1]:
            family = _THAI_F(self.r())
            middle = "Văn" if male else "Thị"
            given = ch(_THAI_GIVEN_M if male else _THAI_GIVEN_F)
        else:
            family = _HMONG_F(self.r())
            middle = "A" if male else "Thị"
            given = ch(_HMONG_GIVEN_M if male else _HMONG_GIVEN_F)
        return f"{family} {middle} {given}"

    def id_number(self, birth_year: int, male: bool) -> str:
        """A CCCD number: province code, gender/century digit, birth year, six digits."""
        province = "011" if self.r() < 0.96 else self.ch(("001", "012", "014", "036"))
        century = 0 if birth_year < 2000 else 2
        prefix = f"{province}{century + (0 if male else 1)}{birth_year % 100:02d}"
        while True:
            number = f"{prefix}{int(self.r() * 1_000_000):06d}"
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self) -> str:
        x = self.r()
        if x < 0.15:
            return ""
        return f"{'09' if x < 0.8 else '03'}{int(self.r() * 100_000_000):08d}"

    def citizen_keys(self, name: str, address: str, id_number: str | None, phone: str) -> dict:
        F = self.F
        name_key, address_key = F[name], F[address]
        fast = {
            "name_key": name_key,
            "address_key": address_key,
            "sort_key": self.C[name],
            "search_text": " ".join(p for p in (name_key, id_number, address_key, phone) if p),
        }
        return self.checked("citizen", fast,
                            lambda: citizen_keys(name, address, id_number, phone))

    def make_citizens(self, place: _Place, count: int, unit: _Unit, mix: tuple[int, int, int],
                      w: _Writer, v: _Values) -> None:
        r, ri, ch = self.r, self.ri, self.ch
        urban = place.kind == "phường"
        people = place.people
        suffix = f", {place.full}, tỉnh Điện Biên"
        add, ts, uid = w.add, v.ts, self.uid
        this_year = self.today.year
        for _i in range(count):
            male = r() < 0.55
            name = self.person_name(mix, male)
            age = min(90, max(20, int(self.rnd.triangular(20, 88, 48))))
            birth_year = this_year - age
            village = ch(place.villages)
            if urban and r() < 0.6:
                address = f"Số nhà {ri(1, 250)}, {village[0].lower()}{village[1:]}{suffix}"
            else:
                address = village + suffix
            id_number = self.id_number(birth_year, male) if r() < 0.95 else None
            phone = self.phone()
            keys = self.citizen_keys(name, address, id_number, phone)
            pid = uid()
            pet_part = " ".join(p for p in (keys["name_key"], id_number, keys["address_key"])
                                if p)
            people.append(_Person(pid, name, male, address, id_number, phone, keys["name_key"],
                                  pet_part))
            stamp = ts(self.start + timedelta(days=ri(0, 30)), self.minute())
            add("citizens", (
                pid, stamp, stamp, 1, unit.id, name, birth_year, "male" if male else "female",
                id_number, address, phone, keys["name_key"], keys["address_key"],
                keys["sort_key"], keys["search_text"], None,
            ))

    def someone(self, place: _Place) -> _Person:
        """A citizen of the place; a few come often (repeat petitions, long-running cases)."""
        people = place.people
        return people[int(len(people) * self.r() ** 1.7)]

    # --- units and officials ---------------------------------------------------------

    def make_places(self) -> _Place:
        province = _Place("Điện Biên", "tỉnh", "province", False)
        if not self.province:
            commune = _Place("Mường Phăng", "xã", "commune", True,
                             villages=list(_MUONG_PHANG_VILLAGES))
            province.communes.append(commune)
            return province
        districts = _DISTRICTS[:1] if self.sample else _DISTRICTS
        for dname, dkind, dremote, all_communes in districts:
            communes = all_communes[:2] if self.sample else all_communes
            district = _Place(dname, dkind, "district", dremote)
            for cname, ckind in communes:
                if cname == "Mường Phăng":
                    villages = list(_MUONG_PHANG_VILLAGES)
                elif ckind == "phường":
                    villages = [f"Tổ dân phố {i}" for i in range(1, self.ri(8, 15))]
                else:
                    n = self.ri(6, 11)
                    stems = self.rnd.sample(_VILLAGE_STEMS, n - 2)
                    villages = [f"Bản {s}" for s in stems] + ["Thôn 1", "Thôn 2"]
                commune = _Place(cname, ckind, "commune", dremote or cname in _REMOTE_COMMUNES,
                                 villages=villages, district=district)
                district.communes.append(commune)
                province.communes.append(commune)
            self.districts.append(district)
        return province

    def make_unit(self, place: _Place, kind: str, parent: _Unit | None, w: _Writer, v: _Values,
                  *, home: bool = False, successor: _Unit | None = None) -> _Unit:
        """A unit and its officials. ``successor``: the unit that takes over this one's
        work if it is dissolved (a district's Party committee: the province's; its People's
        Committee: the province's). A unit under a dissolved one passes to that one's
        successor on the dissolution day, the dissolved unit kept as its former parent
        (two-tier local government: a commune under the province from 1/7/2025)."""
        level = place.level
        if kind == "party":
            if level == "province":
                name, abbrev, body = f"Tỉnh ủy {place.name}", "TU", "Tỉnh ủy"
            elif level == "district":
                body = {"thành phố": "Thành ủy", "thị xã": "Thị ủy"}.get(place.kind, "Huyện ủy")
                name, abbrev = f"{body} {place.name}", "HU"
            else:
                name, abbrev, body = f"Đảng ủy {place.full}", "ĐU", f"Đảng ủy {place.kind}"
            short = name
            parent_body = "" if level == "province" else "ĐẢNG BỘ TỈNH ĐIỆN BIÊN"
        else:
            name, abbrev = f"Ủy ban nhân dân {place.full}", "UBND"
            body, short = f"UBND {place.kind}", f"UBND {place.full}"
            parent_body = ""
        dissolved = level == "district" and self.dissolved_on is not None
        active_to = self.dissolved_on - timedelta(days=1) if dissolved else self.today
        unit = _Unit(self.uid(), "-".join(fold(name).split()), name, short, level, kind, place,
                     abbrev, fold(abbrev), active_to, dissolved)
        created = v.ts(self.start, 8 * 60)
        if dissolved and successor is not None:
            self.successor_of[unit.id] = successor
        # a unit still in being when its parent was dissolved passes to the successor
        moved = self.successor_of.get(parent.id) if parent and not dissolved else None
        w.add("units", (
            unit.id, created, created, 1, unit.code, name, level, kind,
            moved.id if moved else parent.id if parent else None,
            parent_body, place.name, place.remote, "",
            v.d(self.dissolved_on if dissolved else None), home,
            # a dissolved district's work passes to its province (two-tier government)
            successor.id if dissolved and successor else None,
            parent.id if moved and parent else None,
            v.d(self.dissolved_on if moved else None),
        ))
        self.units.append(unit)
        self.make_officials(unit, body, w, v)
        return unit

    def make_officials(self, unit: _Unit, body: str, w: _Writer, v: _Values) -> None:
        p = unit.place
        if unit.kind == "party":
            roles = [
                ("head", f"Bí thư {body}", "party_secretary"),
                ("deputy", f"Phó Bí thư Thường trực {body}", "none"),
                ("inspector", f"Chủ nhiệm Ủy ban Kiểm tra {body}", "none"),
                ("clerk", f"Chuyên viên Văn phòng {body}", "none"),
            ]
        else:
            roles = [
                ("head", f"Chủ tịch {body}", "committee_chairman"),
                ("deputy", f"Phó Chủ tịch {body}", "none"),
            ]
            if unit.level == "commune":
                roles += [("clerk", "Công chức Văn phòng - Thống kê", "none"),
                          ("officer", "Công chức Địa chính - Xây dựng", "none"),
                          ("inspector", "Công chức Tư pháp - Hộ tịch", "none")]
            else:
                roles += [("clerk", f"Trưởng Ban Tiếp công dân {p.kind}", "none"),
                          ("officer", f"Chánh Thanh tra {p.kind}", "none")]
        created = v.ts(self.start, 8 * 60 + 5)
        for attr, position, duty in roles:
            off = _Off(self.uid(), self.person_name((60, 35, 5), self.r() < 0.75), position)
            setattr(unit, attr, off)
            w.add("officials", (
                off.id, created, created, 1, unit.id, off.name, position, duty,
                not unit.dissolved, self.C[off.name],
            ))
        if unit.officer is None:
            unit.officer = unit.deputy
        if unit.inspector is None:
            unit.inspector = unit.officer
