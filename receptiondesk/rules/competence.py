"""What a body may do with a petition beyond its status: the legal refusals as data.

The lifecycle (:mod:`.lifecycle`) says which step may follow which status; this module
says which of those steps the law refuses for *this* petition, and why, naming the text.
The services refuse with the message; the window offers only the steps not refused.

Sources (looked up with the project's search tool, December 2026):

* Luật Tố cáo 25/2018/QH14, Điều 25 — **confirmed** (text quoted by baoninhthuan.com.vn
  and a legal corpus): information with denunciation content whose author is not known
  (no name or address, or a false name) "is not handled under this Law" (khoản 1); where
  it names the offender clearly with concrete evidence, the receiving body inspects it
  within its powers or transfers it to the competent body for inspection (khoản 2).
* Luật Tố cáo 25/2018/QH14, Điều 29 — **confirmed** (thuvienphapluat.vn): within 05
  working days of the decision accepting a denunciation, the resolver notifies the
  denouncer, and the denounced person of the content (see ``rules.deadlines``).
* Content already in resolution is not accepted again — **not confirmed**: the texts
  found refuse a denunciation "already resolved" without new evidence (Luật Tố cáo 2011
  Điều 20 khoản 2, carried into the 2018 law; Quy định 30-QĐ/TW Điều 32 for Party
  bodies); an article of Thông tư 05/2021/TT-TTCP on duplicate petitions was not found.
* A mixed petition (complaint and denunciation on one paper) is split into its contents,
  each handled by its own law — **not confirmed**: the article of Thông tư 05/2021/TT-TTCP
  or Nghị định 124/2020/NĐ-CP saying so was not found by search.
* Who may resolve (point 6): acceptance and resolution of complaints belong to state
  administrative bodies (Luật Khiếu nại 02/2011/QH13, Điều 2 khoản 1 and Chapter II,
  confirmed by the law's definition quoted on licadho.org); a Party office receives,
  studies and proposes handling, and transfers petitions (Hướng dẫn 28-HD/VPTW ngày
  19/12/2013, Điều 1 — **confirmed**, hethongphapluat.vn); a Party body itself resolves
  denunciations against Party members and Party organisations under Party rules (Quy
  định 30-QĐ/TW ngày 26/7/2016, Điều 32 — **confirmed** on dangcongsan.vn; whether a later
  regulation replaced it is **not confirmed**), and answers recommendations and
  reflections.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, _

#: the step that takes a petition into resolution by this body (a petition accepted before
#: a refusal applied goes on to its result)
RESOLVING_STEPS = frozenset({"accept"})

#: the petition types a body of each kind accepts and resolves itself (rule data; the
#: kinds of ``model.codes.UnitKind``). A Party committee guides or forwards a complaint
#: and urges and follows its result (Hướng dẫn 28-HD/VPTW, Điều 1).
RESOLVES_BY_KIND: dict[str, frozenset[str]] = {
    "state": frozenset({"complaint", "denunciation", "recommendation", "reflection"}),
    "party": frozenset({"denunciation", "recommendation", "reflection"}),
}

#: what a Party committee also resolves when the petition is a Party matter: a complaint
#: about a Party discipline decision is resolved by the Party committee or its inspection
#: committee (Điều lệ Đảng; Quy định 30-QĐ/TW ngày 26/7/2016, replaced by Quy định
#: 22-QĐ/TW ngày 28/7/2021 — both found by search; the article numbers not confirmed)
PARTY_MATTERS: frozenset[str] = frozenset({"complaint"})

#: the legal basis named with each refusal (document and article)
BASIS = {
    "anonymous": "Luật Tố cáo 25/2018/QH14, Điều 25",
    "duplicate": "Thông tư 05/2021/TT-TTCP (điều: chưa xác minh)",
    "mixed": "Thông tư 05/2021/TT-TTCP (điều: chưa xác minh)",
    "party": "Luật Khiếu nại 02/2011/QH13, Điều 2; Hướng dẫn 28-HD/VPTW, Điều 1",
    "state": "Luật Khiếu nại 02/2011/QH13; Luật Tố cáo 25/2018/QH14",
}

_WHY = {
    "anonymous": N_("An anonymous denunciation is not accepted for resolution: it is "
                    "handled as information ({basis}). Archive it, or forward it for "
                    "inspection when it names the offender with concrete evidence."),
    "duplicate": N_("The same content is already being resolved in petition {ref}; it is "
                    "not accepted again ({basis})."),
    "mixed": N_("A petition with mixed content is not accepted as one: split it into its "
                "complaint, denunciation and other contents, each handled by its own law "
                "({basis})."),
    "party": N_("A Party committee does not accept or resolve a complaint: complaints "
                "against administrative decisions are resolved by state bodies ({basis}). "
                "Guide the petitioner or forward the complaint, then follow its result; "
                "only a complaint about a Party discipline decision, marked so when "
                "classified, is resolved by the Party committee."),
    "state": N_("This body does not resolve petitions of this type ({basis})."),
}


@dataclass(frozen=True)
class PetitionCase:
    """What the refusals depend on, read from a petition and its unit."""

    petition_type: str
    unit_kind: str = "state"
    anonymous: bool = False
    #: the reference of an earlier petition with the same content now in resolution
    duplicate_in_resolution: str | None = None
    #: a complaint about a Party discipline decision: resolved by Party bodies
    party_matter: bool = False


def refusal(action: str, case: PetitionCase) -> str | None:
    """Why the law refuses ``action`` for this petition (translated), or None."""
    if action not in RESOLVING_STEPS:
        return None
    reason = _reason(case)
    if reason is None:
        return None
    ref = case.duplicate_in_resolution or ""
    return _(_WHY[reason]).format(basis=BASIS[reason], ref=ref)


def _reason(case: PetitionCase) -> str | None:
    if case.petition_type == "mixed":
        return "mixed"
    if case.petition_type == "denunciation" and case.anonymous:
        return "anonymous"
    allowed = RESOLVES_BY_KIND.get(case.unit_kind, RESOLVES_BY_KIND["state"])
    if case.unit_kind == "party" and case.party_matter:
        allowed = allowed | PARTY_MATTERS
    if case.petition_type not in allowed:
        return "party" if case.unit_kind == "party" else "state"
    if case.duplicate_in_resolution is not None:
        return "duplicate"
    return None


def refused_steps(case: PetitionCase) -> dict[str, str]:
    """The resolving steps refused for this petition, with the reason of each."""
    out = {}
    for action in sorted(RESOLVING_STEPS):
        why = refusal(action, case)
        if why:
            out[action] = why
    return out
