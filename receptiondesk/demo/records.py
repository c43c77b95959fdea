"""The demo's scales and fixed dates, and the plain records used while generating
(people, officials, places, units, petition seeds and plans, key caches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..text import collation_key, fold

DEMO_SCALES: tuple[str, ...] = ("small", "province")
#: a province in miniature for the tests: its first district with two communes, a tenth of
#: the citizens, one year of records; every level and kind of record, thousands of rows
#: (not offered on the command line)
SAMPLE_PROVINCE = "province-sample"

#: the day the districts ceased (two-tier local government)
DISTRICTS_DISSOLVED = date(2025, 7, 1)
#: Regulation 11-QĐi/TW of 18/02/2019, art. 4(1) (kept by Conclusion 215-KL/TW): a commune
#: Party secretary receives citizens 2 days a month
PARTY_TWICE_A_MONTH = date(2019, 2, 18)

_BATCH = 10_000
_OPEN = frozenset({"received", "classified", "accepted", "in_resolution"})


# Plain records used while generating
# =============================================================================


class _Person:
    __slots__ = ("id", "name", "male", "address", "id_number", "phone", "key", "pet_part")

    def __init__(self, pid: str, name: str, male: bool, address: str, id_number: str | None,
                 phone: str, key: str, pet_part: str) -> None:
        self.id = pid
        self.name = name
        self.male = male
        self.address = address
        self.id_number = id_number
        self.phone = phone
        self.key = key  # folded name
        self.pet_part = pet_part  # folded name, ID number and address (petition search)


@dataclass
class _Off:
    id: str
    name: str
    position: str


@dataclass
class _Place:
    name: str
    kind: str  # xã, phường, huyện, thành phố, thị xã, tỉnh
    level: str
    remote: bool
    villages: list[str] = field(default_factory=list)
    people: list[_Person] = field(default_factory=list)
    communes: list[_Place] = field(default_factory=list)
    district: _Place | None = None

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass
class _Unit:
    id: str
    code: str
    name: str
    short: str  # "UBND xã Mường Phăng"
    level: str
    kind: str  # party | state
    place: _Place
    abbrev: str  # in document numbers: ĐU, HU, TU, UBND
    abbrev_key: str
    active_to: date
    dissolved: bool
    head: _Off = None  # type: ignore[assignment]
    deputy: _Off = None  # type: ignore[assignment]
    clerk: _Off = None  # type: ignore[assignment]
    officer: _Off = None  # type: ignore[assignment]
    inspector: _Off = None  # type: ignore[assignment]
    subordinates: list[str] = field(default_factory=list)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def number(self, series: str, year: int) -> int:
        n = self.counters.get((series, year), 0) + 1
        self.counters[(series, year)] = n
        return n


@dataclass
class _Seed:
    """A petition before its history is simulated."""

    received: date
    ptype: str
    field_code: str
    source: str
    content: str
    folded: str  # fold(content)
    people: list[_Person]
    signers: int = 1
    visit_id: str | None = None
    is_delegation: bool = False
    anonymous: bool = False
    forwarded_from: str = ""
    handling: str | None = None  # the handling given at the visit
    plan: _Plan | None = None  # forced history (showcase petitions)
    order: int = 0


@dataclass
class _Plan:
    """The dated steps of a petition's history; a step is None when not (yet) reached."""

    classify: date | None = None
    handling: str | None = None
    handle: date | None = None
    handled_to: str = ""
    urge: date | None = None
    start: date | None = None
    notes: list[tuple[date, str]] = field(default_factory=list)
    resolve: date | None = None
    result: str | None = None
    close: date | None = None
    accept_extension: date | None = None
    resolve_extensions: list[date] = field(default_factory=list)
    eligible: bool = True
    within: bool = True
    beyond: bool = False
    complexity: int = 0


@dataclass
class _History:
    id: str
    ref: str
    received: date
    ptype: str
    field_code: str
    content: str
    folded: str
    original_id: str
    finished: date | None  # the result date, once resolved


class _FoldCache(dict):
    def __missing__(self, key: str) -> str:
        value = self[key] = fold(key)
        return value


class _CollationCache(dict):
    def __missing__(self, key: str) -> str:
        value = self[key] = collation_key(key)
        return value
