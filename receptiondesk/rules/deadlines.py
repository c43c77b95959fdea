"""Legal deadlines of a petition, computed from rules that are data, versioned by date.

Laws change (Luật 136/2025/QH15 of 10/12/2025 from 2026-07-01, Kết luận 215-KL/TW of
2025-11-23), so
every rule carries the date it takes effect; a deadline uses the version in force on the
day its period starts. Petitions started before a change keep the old limits.

Everything here is plain data and functions: the services layer feeds rows in as
:class:`PetitionFacts` and gets :class:`Deadline` values back. For bulk work build one
:class:`RuleBook` and one :class:`~receptiondesk.rules.calendar.WorkCalendar` and reuse them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from receptiondesk.i18n import N_, _, ngettext
from receptiondesk.rules.calendar import DayCount, WorkCalendar

__all__ = [
    "COMPLAINT_ACCEPT",
    "COMPLAINT_RESOLVE_FIRST",
    "COMPLAINT_RESOLVE_SECOND",
    "DEFAULT_RULES",
    "DEFAULT_RULE_BOOK",
    "DENUNCIATION_ACCEPT",
    "DENUNCIATION_NOTICE",
    "DENUNCIATION_RESOLVE",
    "PARTY_HEAD_ANSWER",
    "PETITION_PROCESS",
    "PETITION_STATUSES",
    "PETITION_TYPES",
    "RULE_TITLES",
    "Deadline",
    "DeadlineRule",
    "Extension",
    "PetitionFacts",
    "RuleBook",
    "as_rule_book",
    "check_extension",
    "check_extension_length",
    "extensions_allowed",
    "days_left",
    "next_due",
    "petition_deadlines",
    "rule_days",
    "rule_title",
    "select_rule",
    "source_unconfirmed",
    "LAW_136_FROM",
    "UNCONFIRMED",
]

# --- rule keys ---------------------------------------------------------------------------

PARTY_HEAD_ANSWER = "party_head_answer"
PETITION_PROCESS = "petition_process"
COMPLAINT_ACCEPT = "complaint_accept"
COMPLAINT_RESOLVE_FIRST = "complaint_resolve_first"
COMPLAINT_RESOLVE_SECOND = "complaint_resolve_second"
DENUNCIATION_ACCEPT = "denunciation_accept"
DENUNCIATION_RESOLVE = "denunciation_resolve"
#: notify the denouncer and the denounced of the acceptance (Luật Tố cáo 2018, Điều 29)
DENUNCIATION_NOTICE = "denunciation_notice"

PETITION_TYPES: tuple[str, ...] = (
    "complaint",
    "denunciation",
    "recommendation",
    "reflection",
    "mixed",
)
PETITION_STATUSES: tuple[str, ...] = (
    "received",
    "classified",
    "accepted",
    "in_resolution",
    "resolved",
    "guided",
    "forwarded",
    "archived",
    "returned",
    "closed",
)

# Statuses in which the petition is still being processed / being resolved.
_PROCESSING = frozenset({"received", "classified"})
_RESOLVING = frozenset({"accepted", "in_resolution"})

RULE_TITLES: dict[str, str] = {
    PARTY_HEAD_ANSWER: N_("Answer the petitioner (Party head)"),
    PETITION_PROCESS: N_("Process the petition"),
    COMPLAINT_ACCEPT: N_("Accept the complaint"),
    COMPLAINT_RESOLVE_FIRST: N_("Resolve the first-level complaint"),
    COMPLAINT_RESOLVE_SECOND: N_("Resolve the second-level complaint"),
    DENUNCIATION_ACCEPT: N_("Check and accept the denunciation"),
    DENUNCIATION_RESOLVE: N_("Resolve the denunciation"),
    DENUNCIATION_NOTICE: N_("Notify the parties of the acceptance"),
}


def rule_title(key: str) -> str:
    """The deadline's name in the current language (an office's own key is shown as is)."""
    title = RULE_TITLES.get(key)
    return _(title) if title is not None else key


# --- rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """One version of a legal time limit.

    ``extension_days`` is the longest one extension may be; a rule without it cannot be
    extended at all (``extensions_allowed``); ``max_extensions`` = 0 with an
    ``extension_days`` means the law sets no maximum number of extensions.
    """

    key: str
    effective_from: date
    days: int
    mode: DayCount
    complex_days: int | None = None
    remote_days: int | None = None
    remote_complex_days: int | None = None
    extension_days: int | None = None
    max_extensions: int = 0
    legal_basis: str = ""


_LKN = "Luật Khiếu nại 2011"
_LTC = "Luật Tố cáo 2018"

#: the words that mark, in a rule's legal basis, a source that could not be confirmed from
#: its text; Settings flags such rules (DESIGN §3: "a rule whose source could not be
#: confirmed says so")
UNCONFIRMED = "chưa xác minh"

#: Luật 136/2025/QH15 of 10/12/2025 amends the Citizen Reception, Complaints and
#: Denunciations Laws from 1/7/2026. Its summaries name no changed time limit (online
#: reception, withdrawal of complaints, suspension, protection of denouncers), but the
#: articles on the limits could not be read: from that day the limits are kept, marked.
LAW_136_FROM = date(2026, 7, 1)
_LAW_136 = ("Luật 136/2025/QH15 (hiệu lực 01/7/2026): " + UNCONFIRMED
            + " thời hạn này có thay đổi hay không, giữ như trước")


def _law_136(rule: DeadlineRule) -> DeadlineRule:
    """The version of a law-based limit from 1/7/2026, same days, its source unconfirmed."""
    return replace(rule, effective_from=LAW_136_FROM,
                   legal_basis=f"{rule.legal_basis}; {_LAW_136}")


_BY_LAW: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        COMPLAINT_ACCEPT,
        date(2012, 7, 1),
        10,
        DayCount.CALENDAR,
        legal_basis=f"{_LKN}, Điều 27",
    ),
    DeadlineRule(
        COMPLAINT_RESOLVE_FIRST,
        date(2012, 7, 1),
        30,
        DayCount.CALENDAR,
        complex_days=45,
        remote_days=45,
        remote_complex_days=60,
        legal_basis=f"{_LKN}, Điều 28",
    ),
    DeadlineRule(
        COMPLAINT_RESOLVE_SECOND,
        date(2012, 7, 1),
        45,
        DayCount.CALENDAR,
        complex_days=60,
        remote_days=60,
        remote_complex_days=70,
        legal_basis=f"{_LKN}, Điều 37",
    ),
    DeadlineRule(
        DENUNCIATION_ACCEPT,
        date(2019, 1, 1),
        7,
        DayCount.WORKING,
        extension_days=3,
        max_extensions=1,
        legal_basis=f"{_LTC}, Điều 24",
    ),
    DeadlineRule(
        DENUNCIATION_RESOLVE,
        date(2019, 1, 1),
        30,
        DayCount.CALENDAR,
        # One extension if the case is complex, two if very complex: the official decides.
        extension_days=30,
        max_extensions=2,
        legal_basis=f"{_LTC}, Điều 30",
    ),
    # "Within 05 working days of the decision accepting the denunciation, the resolver
    # notifies the denouncer, and the denounced person of the content" (confirmed from
    # the article's text as quoted by thuvienphapluat.vn). Not extendable.
    DeadlineRule(
        DENUNCIATION_NOTICE,
        date(2019, 1, 1),
        5,
        DayCount.WORKING,
        legal_basis=f"{_LTC}, Điều 29",
    ),
)

DEFAULT_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        PARTY_HEAD_ANSWER,
        # Quy định 11-QĐi/TW is dated 18/02/2019 (not 14/02).
        date(2019, 2, 18),
        10,
        DayCount.WORKING,
        legal_basis=f"Quy định 11-QĐi/TW ngày 18/02/2019 (điều, khoản: {UNCONFIRMED})",
    ),
    DeadlineRule(
        PETITION_PROCESS,
        # Thông tư 05/2021/TT-TTCP took effect on 15/11/2021 (not 1/10/2021).
        date(2021, 11, 15),
        10,
        DayCount.WORKING,
        legal_basis=f"Thông tư 05/2021/TT-TTCP, hiệu lực 15/11/2021 (điều, khoản: "
                    f"{UNCONFIRMED})",
    ),
    *_BY_LAW,
    *(_law_136(r) for r in _BY_LAW),
)


def source_unconfirmed(legal_basis: str) -> bool:
    """Whether a rule's legal basis says its source could not be confirmed."""
    return UNCONFIRMED in (legal_basis or "").lower()


class RuleBook:
    """Rules indexed by key, each key's versions sorted by ``effective_from``.

    When two versions of a key share an effective date, the one given later wins, so an
    office's edited copy can simply be appended after the defaults.
    """

    __slots__ = ("_rules", "_versions", "_starts")

    def __init__(self, rules: Iterable[DeadlineRule]) -> None:
        self._rules: tuple[DeadlineRule, ...] = tuple(rules)
        grouped: dict[str, list[DeadlineRule]] = {}
        for rule in self._rules:
            grouped.setdefault(rule.key, []).append(rule)
        self._versions: dict[str, tuple[DeadlineRule, ...]] = {}
        self._starts: dict[str, list[date]] = {}
        for key, versions in grouped.items():
            versions.sort(key=lambda r: r.effective_from)  # stable: later input stays later
            self._versions[key] = tuple(versions)
            self._starts[key] = [r.effective_from for r in versions]

    def select(self, key: str, on: date) -> DeadlineRule | None:
        """The version of ``key`` in force on ``on``, or None before the first one."""
        starts = self._starts.get(key)
        if starts is None:
            return None
        i = bisect_right(starts, on)
        return self._versions[key][i - 1] if i else None

    def versions(self, key: str) -> tuple[DeadlineRule, ...]:
        return self._versions.get(key, ())

    def keys(self) -> list[str]:
        return list(self._versions)

    def __iter__(self) -> Iterator[DeadlineRule]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"RuleBook({len(self._rules)} rules, {len(self._versions)} keys)"


DEFAULT_RULE_BOOK = RuleBook(DEFAULT_RULES)

# The last tuple turned into a book, so that callers passing the same tuple in a loop do
# not re-index it on every call. Only tuples: a list could change behind our back.
_last_book: tuple[tuple[DeadlineRule, ...], RuleBook] = (DEFAULT_RULES, DEFAULT_RULE_BOOK)


def as_rule_book(rules: RuleBook | Iterable[DeadlineRule]) -> RuleBook:
    """``rules`` as a :class:`RuleBook` (itself if it already is one)."""
    global _last_book
    if isinstance(rules, RuleBook):
        return rules
    if isinstance(rules, tuple):
        cached_rules, book = _last_book
        if cached_rules is rules:
            return book
        book = RuleBook(rules)
        _last_book = (rules, book)
        return book
    return RuleBook(rules)


def select_rule(
    rules: RuleBook | Iterable[DeadlineRule], key: str, on: date
) -> DeadlineRule | None:
    """The version of ``key`` with the latest ``effective_from`` on or before ``on``."""
    if isinstance(rules, RuleBook):
        return rules.select(key, on)
    best: DeadlineRule | None = None
    for rule in rules:
        if rule.key == key and rule.effective_from <= on:
            # ">=" so that of two versions with the same date the later one wins.
            if best is None or rule.effective_from >= best.effective_from:
                best = rule
    return best


def rule_days(rule: DeadlineRule, *, complex: bool, remote: bool) -> int:
    """The limit for the case: remote and difficult areas and complex cases get longer."""
    if remote and complex:
        if rule.remote_complex_days is not None:
            return rule.remote_complex_days
        # No combined figure: either circumstance alone already earns its longer limit.
        variants = [d for d in (rule.complex_days, rule.remote_days) if d is not None]
        return max(variants, default=rule.days)
    if remote:
        return rule.remote_days if rule.remote_days is not None else rule.days
    if complex:
        return rule.complex_days if rule.complex_days is not None else rule.days
    return rule.days


# --- petitions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    """A decision extending one deadline of a petition."""

    deadline_key: str
    days: int
    decided_on: date
    reason: str = ""


@dataclass(frozen=True)
class PetitionFacts:
    """What the deadlines depend on, taken from a petition row."""

    petition_type: str
    status: str
    received_date: date
    accepted_date: date | None = None
    complaint_round: int = 1
    complex: bool = False
    remote_area: bool = False
    party_unit: bool = False
    extensions: tuple[Extension, ...] = ()
    #: 0 ordinary, 1 complex, 2 very complex (a denunciation's resolution may be extended
    #: once if complex, twice if very complex: Luật Tố cáo 2018, Điều 30)
    complexity: int = 0
    #: no name or address: a denunciation is then information, not handled under the
    #: Denunciations Law (Luật Tố cáo 2018, Điều 25), so no acceptance limit runs
    anonymous: bool = False
    #: the parties have been notified of the acceptance (Luật Tố cáo 2018, Điều 29)
    notified: bool = False


@dataclass(frozen=True)
class Deadline:
    """A running deadline: ``due`` already includes ``extended_days`` of extensions."""

    key: str
    start: date
    due: date
    rule: DeadlineRule
    extended_days: int = 0

    @property
    def title(self) -> str:
        return rule_title(self.key)


def _running(facts: PetitionFacts) -> list[tuple[str, date]]:
    """(rule key, start date) of each deadline running in the petition's current status."""
    kind = facts.petition_type
    if facts.status in _PROCESSING:
        start = facts.received_date
        running = [(PETITION_PROCESS, start)]
        if facts.party_unit:
            running.append((PARTY_HEAD_ANSWER, start))
        # A mixed petition keeps the limits of both its parts until it is split (the
        # earlier binds).
        if kind in ("complaint", "mixed"):
            running.append((COMPLAINT_ACCEPT, start))
        if kind == "mixed" or (kind == "denunciation" and not facts.anonymous):
            running.append((DENUNCIATION_ACCEPT, start))
        return running
    if facts.status in _RESOLVING:
        # Old rows may lack the acceptance date: count from receipt rather than drop it.
        start = facts.accepted_date or facts.received_date
        if kind == "complaint":
            second = facts.complaint_round >= 2
            return [(COMPLAINT_RESOLVE_SECOND if second else COMPLAINT_RESOLVE_FIRST, start)]
        if kind == "denunciation":
            running = [(DENUNCIATION_RESOLVE, start)]
            if not facts.notified:
                running.append((DENUNCIATION_NOTICE, start))
            return running
    return []


def extensions_allowed(rule: DeadlineRule, complexity: int | None = None) -> int | None:
    """How many extensions of the rule's deadline the law allows; None: no maximum.

    * A rule without an extension length allows none: the Complaints Law 2011 (arts. 28
      and 37) gives complex cases a longer limit, not an extension; nor do Quy định
      11-QĐi/TW and Thông tư 05/2021/TT-TTCP provide one.
    * A denunciation's resolution: once if complex, twice if very complex (Luật Tố cáo
      2018, Điều 30) — with ``complexity`` given, the number it allows.
    """
    if not rule.extension_days:
        return 0
    limit = rule.max_extensions or None
    if rule.key == DENUNCIATION_RESOLVE and complexity is not None:
        limit = complexity if limit is None else min(limit, complexity)
    return limit


def _applied_extensions(rule: DeadlineRule, extensions: Iterable[Extension]) -> int:
    """Days added by the extensions the law allows, in the order they were decided."""
    chosen = sorted((e for e in extensions if e.deadline_key == rule.key), key=_decided_on)
    allowed = extensions_allowed(rule)
    if allowed is not None:
        chosen = chosen[:allowed]
    total = 0
    for ext in chosen:
        days = max(ext.days, 0)
        if rule.extension_days is not None:
            days = min(days, rule.extension_days)  # the law says "not exceeding"
        total += days
    return total


def _decided_on(ext: Extension) -> date:
    return ext.decided_on


def petition_deadlines(
    facts: PetitionFacts,
    rules: RuleBook | Iterable[DeadlineRule],
    calendar: WorkCalendar,
) -> list[Deadline]:
    """The deadlines running for the petition's current status.

    A deadline whose rule has no version in force on its start date is left out.
    Extensions are counted in the rule's own mode (working or calendar days) and added
    to the period, so a calendar period ends on a working day only once, at its very end.
    """
    book = as_rule_book(rules)
    result: list[Deadline] = []
    for key, start in _running(facts):
        rule = book.select(key, start)
        if rule is None:
            continue
        days = rule_days(rule, complex=facts.complex, remote=facts.remote_area)
        extended = _applied_extensions(rule, facts.extensions) if facts.extensions else 0
        due = calendar.due_date(start, days + extended, rule.mode)
        result.append(Deadline(key, start, due, rule, extended))
    return result


def next_due(
    facts: PetitionFacts,
    rules: RuleBook | Iterable[DeadlineRule],
    calendar: WorkCalendar,
) -> Deadline | None:
    """The running deadline that falls first (the first listed on a tie), or None."""
    deadlines = petition_deadlines(facts, rules, calendar)
    return min(deadlines, key=_due, default=None)


def _due(deadline: Deadline) -> date:
    return deadline.due


def days_left(due: date, today: date) -> int:
    """Calendar days from today to the due date; 0 on the day, negative once overdue."""
    return (due - today).days


def check_extension(
    facts: PetitionFacts,
    rules: RuleBook | Iterable[DeadlineRule],
    key: str,
    days: int | None = None,
) -> DeadlineRule:
    """Check that one more extension of ``key`` (of ``days`` days, if given) is allowed.

    Returns the rule in force (its ``extension_days`` is a good default length). Raises
    ValueError with a translated message the services layer can show as is.
    """
    start = next((s for k, s in _running(facts) if k == key), None)
    if start is None:
        raise ValueError(_("This deadline is not running for the petition, so it cannot be "
                           "extended."))
    rule = as_rule_book(rules).select(key, start)
    if rule is None:
        raise ValueError(_("No rule sets this deadline on the date it started."))
    taken = sum(1 for e in facts.extensions if e.deadline_key == key)
    allowed = extensions_allowed(rule, facts.complexity)
    if allowed == 0:
        raise ValueError(_("The law allows no extension of this deadline."))
    if allowed is not None and taken >= allowed:
        raise ValueError(
            ngettext(
                "This deadline cannot be extended again: the law allows at most {count} "
                "extension.",
                "This deadline cannot be extended again: the law allows at most {count} "
                "extensions.",
                allowed,
            ).format(count=allowed)
        )
    if days is not None:
        check_extension_length(rule, days)
    return rule


def check_extension_length(rule: DeadlineRule, days: int) -> None:
    """Refuse an extension of ``days`` longer than the rule allows (ValueError)."""
    if days <= 0:
        raise ValueError(_("An extension must be at least one day long."))
    limit = rule.extension_days
    if limit is None or days <= limit:
        return
    if rule.mode == DayCount.WORKING:
        message = ngettext(
            "An extension of this deadline can be at most {count} working day.",
            "An extension of this deadline can be at most {count} working days.",
            limit,
        )
    else:
        message = ngettext(
            "An extension of this deadline can be at most {count} day.",
            "An extension of this deadline can be at most {count} days.",
            limit,
        )
    raise ValueError(message.format(count=limit))
