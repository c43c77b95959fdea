"""Minutes (biên bản) of a reception session, a visit, a dialogue or a working meeting.

Every element of DESIGN §5: time and place; the presiding official and the
recorder with their positions; every citizen present (name, birth year, ID
number, address) or the delegation's head count and representatives; what the
citizens presented; the official's answers and conclusions; the sentence that
the minutes were read aloud and agreed; the number of copies; one signature
block per signing party. An addendum (correction after signing) is printed as
"BIÊN BẢN BỔ SUNG" with the same parties.

A denouncer's identity is confidential (DESIGN §4): unless the caller says the
user is cleared, the citizens of a denunciation visit are printed as the
redaction, in the list of those present and under their signature.

Two copies are printed: the office's copy with every citizen and every signature
(:data:`OFFICE_COPY`), and the citizens' signature pages (:data:`CITIZEN_PAGES`): one
page (or more) for each citizen or representative who signs, with only that person's
details, the part of the proceedings that is theirs, and the names, ID numbers,
addresses and phones of everyone else blotted out of its texts. A citizen reads and
signs only what concerns them; a denouncer is on no page but their own (and there only
for a reader cleared for the identity). The office keeps the full list.
"""

from __future__ import annotations

from typing import IO

from sqlalchemy.orm import Session

from ..i18n import _, format_date
from ..model.codes import (
    MinutesSubject,
    PetitionType,
    SessionKind,
    SessionMode,
    VisitHandling,
    label,
)
from ..services import minutes as minutes_service
from ..services import protection
from ..services.errors import ValidationError
from ..services.units import get_unit
from .layout import (
    DocumentHeader,
    Section,
    Signature,
    Styles,
    build_pdf,
    build_sections,
    caps,
    clock,
    document_language,
    handling_label,
    labelled,
    long_date,
    para,
    personal_signature,
    redacted,
    styles,
)
from .minutes_facts import (  # noqa: F401 - COPIES and the facts re-exported
    CITIZEN_PAGES,
    COPIES,
    OFFICE_COPY,
    PLACEHOLDER,
    MinutesFacts,
    Person,
    VisitFacts,
    _gather,
    _shielded,
    facts_from_snapshot,
    gather,
    snapshot,
)

# --- the text ----------------------------------------------------------------------

def _subtitle(f: MinutesFacts) -> str:
    if f.kind == MinutesSubject.MEETING:
        return _("Working meeting on citizen reception and petition handling")
    if f.kind == MinutesSubject.DIALOGUE:
        return _("Dialogue with citizens")
    if f.session_kind == SessionKind.UNSCHEDULED:
        return _("Unscheduled citizen reception")
    if f.session_kind == SessionKind.ROUTINE:
        return _("Citizen reception at the reception desk")
    return _("Regular citizen reception")


def _place(f: MinutesFacts) -> str:
    return f.place or _("the office of {unit}").format(unit=f.unit.name)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _text_block(value: str, st: Styles) -> list:
    lines = _lines(value)
    if not lines:
        return [para(PLACEHOLDER * 4, st.body_indent)]
    return [para(line, st.body_indent) for line in lines]


def _time_and_place(f: MinutesFacts, st: Styles) -> list:
    out = []
    if f.start is not None:
        when = _("{time}, {date}").format(time=clock(f.start), date=long_date(f.on))
    else:
        when = long_date(f.on)
    out.append(labelled(_("Time:"), when + ".", st.body))
    out.append(labelled(_("Place:"), _place(f) + ".", st.body))
    if f.kind != MinutesSubject.MEETING:
        out.append(labelled(_("Form:"), label(SessionMode, f.mode) + ".", st.body))
    return out


def _present(f: MinutesFacts, st: Styles) -> list:
    out = [para(caps(_("I. Those present")), st.heading)]
    if f.kind == MinutesSubject.MEETING:
        out.append(labelled(_("1. Chaired by:"), f.presiding.describe() + ".", st.body))
        out.append(labelled(_("2. Recorder:"), f.recorder.describe() + ".", st.body))
        out.append(labelled(_("3. Participants:"), "", st.body))
        for line in _lines(f.participants) or [PLACEHOLDER]:
            out.append(para(f"- {line}", st.item))
        return out
    out.append(labelled(_("1. Presiding official:"), f.presiding.describe() + ".", st.body))
    out.append(labelled(_("2. Recorder:"), f.recorder.describe() + ".", st.body))
    out.append(labelled(_("3. Citizens:"), "", st.body))
    n = 0
    for v in f.visits:
        if v.delegation:
            n += 1
            out.append(para(
                f"{n}. " + _("A delegation of {count} people; its representatives:").format(
                    count=v.head_count), st.item))
            for rep in v.representatives or [Person(PLACEHOLDER, listed=False)]:
                out.append(para(f"– {rep.describe()}.", st.item))
            continue
        for person in v.people or [Person(PLACEHOLDER, listed=False)]:
            n += 1
            out.append(para(f"{n}. {person.describe()}.", st.item))
    return out


def _proceedings(f: MinutesFacts, st: Styles) -> list:
    out = [para(caps(_("II. Proceedings")), st.heading)]
    if f.kind == MinutesSubject.MEETING:
        out.append(labelled(_("1. Content of the meeting:"), "", st.body))
        out += _text_block(f.content, st)
        out.append(labelled(_("2. Conclusions of the chair:"), "", st.body))
        out += _text_block(f.conclusions, st)
        return out
    many = len(f.visits) > 1
    for i, v in enumerate(f.visits, start=1):
        prefix = f"{i}. " if many else ""
        out.append(labelled(prefix + _("{who} presented:").format(who=v.who()), "", st.body))
        if v.petition_type:
            out.append(labelled(_("Kind of case:"), label(PetitionType, v.petition_type) + ".",
                                st.body))
        out += _text_block(v.content, st)
        if v.previously_handled_by:
            out.append(labelled(_("Already handled by:"), v.previously_handled_by + ".", st.body))
        out.append(labelled(_("Answers and conclusions of the presiding official:"), "",
                            st.body))
        out += _text_block(v.direction, st)
        if v.handling and v.handling != VisitHandling.NONE:
            out.append(labelled(_("Handling:"), handling_label(v.handling, v.petition_type) + ".",
                                st.body))
        if v.follow_up:
            out.append(labelled(_("Follow-up:"), v.follow_up + ".", st.body))
    return out


def _closing(f: MinutesFacts, st: Styles) -> list:
    out = []
    if f.kind != MinutesSubject.MEETING and f.end is not None and f.original is None:
        out.append(para(_("The session ended at {time} the same day.").format(
            time=clock(f.end)), st.body_indent))
    out.append(para(
        _("These minutes were read aloud to those named above, who agreed with them and "
          "signed them."), st.body_indent))
    out.append(para(
        _("These minutes are made in {copies} copies of equal value.").format(
            copies=f"{f.minutes.copies or 2:02d}"), st.body_indent))
    return out


#: signature blocks side by side on a row of the minutes
PER_ROW = 3


def _signatures(f: MinutesFacts) -> list[Signature]:
    """Every citizen or representative, then the recorder and the presiding official, who
    sign side by side at the end of the last row."""
    sigs: list[Signature] = []
    for v in f.visits:
        sigs += v.signers()
    # the two officials share the citizens' last row when there is room for both
    apart = len(sigs) % PER_ROW > PER_ROW - 2
    sigs.append(personal_signature(_("Recorder"), f.recorder.name, new_row=apart))
    title = _("Chair") if f.kind == MinutesSubject.MEETING else _("Presiding official")
    sigs.append(personal_signature(title, f.presiding.name))
    return sigs


def _addendum_body(f: MinutesFacts, st: Styles) -> list:
    made_on = f.minutes.created_at.date()
    original = f.original
    out = [
        labelled(_("Time:"), long_date(made_on) + ".", st.body),
        labelled(_("Place:"), _place(f) + ".", st.body),
        labelled(_("Presiding official:") if f.kind != MinutesSubject.MEETING
                 else _("Chaired by:"), f.presiding.describe() + ".", st.body),
        labelled(_("Recorder:"), f.recorder.describe() + ".", st.body),
        para(_("The minutes No. {number} of {date} are supplemented and corrected as "
               "follows:").format(number=original.number if original else PLACEHOLDER,
                                  date=format_date(f.on)), st.body_indent),
    ]
    out += _text_block(f.shown_text, st)
    out += _closing(f, st)
    return out


def minutes_story(f: MinutesFacts) -> tuple[str, str, list, list[Signature]]:
    """(title, subtitle, body flowables, signatures) of the minutes."""
    st = styles(f.unit.kind)
    if f.original is not None:
        title = _("Supplementary minutes")
        subtitle = _("Supplementing the minutes No. {number}").format(number=f.original.number)
        return title, subtitle, _addendum_body(f, st), _signatures(f)
    body = _time_and_place(f, st) + _present(f, st) + _proceedings(f, st)
    if f.shown_text.strip():
        body.append(labelled(_("Other matters:"), "", st.body))
        body += _text_block(f.shown_text, st)
    body += _closing(f, st)
    return _("Minutes"), _subtitle(f), body, _signatures(f)


# --- the citizens' signature pages -------------------------------------------------------


def _signers_of(f: MinutesFacts) -> list[tuple[Person, VisitFacts]]:
    """Each citizen (or a delegation's representative) who signs, with their visit."""
    out: list[tuple[Person, VisitFacts]] = []
    for v in f.visits:
        if v.delegation:
            out += [(rep, v) for rep in v.representatives or [Person("", listed=False)]]
        else:
            out += [(p, v) for p in v.people or [Person("", listed=False)]]
    return out


def _others_blotted(f: MinutesFacts, me: Person) -> protection.Shield:
    """A shield blotting out of a text every other citizen's name, ID number, address and
    phone (not this citizen's own, even when another shares it)."""
    mine = set(me.identifying())
    values = {value for person, _v in _signers_of(f) if person is not me
              for value in person.identifying() if value not in mine}
    values |= {value for v in f.visits for person in v.people if person is not me
               for value in person.identifying() if value not in mine}
    return protection.Shield(False).also(sorted(values))


def _citizen_present(f: MinutesFacts, me: Person, v: VisitFacts, st: Styles) -> list:
    out = [para(caps(_("I. Those present")), st.heading)]
    out.append(labelled(_("1. Presiding official:"), f.presiding.describe() + ".", st.body))
    out.append(labelled(_("2. Recorder:"), f.recorder.describe() + ".", st.body))
    if v.delegation:
        out.append(labelled(_("3. Representative of a delegation of {count} people:").format(
            count=v.head_count), "", st.body))
    else:
        out.append(labelled(_("3. Citizen:"), "", st.body))
    shown = me if me.name else Person(PLACEHOLDER, listed=False)
    out.append(para(f"{shown.describe()}.", st.item))
    return out


def _citizen_proceedings(me: Person, v: VisitFacts, blot: protection.Shield,
                         st: Styles) -> list:
    out = [para(caps(_("II. Proceedings")), st.heading)]
    if v.delegation:
        who = _("The delegation of {count} people").format(count=v.head_count)
    elif me.confidential:
        who = redacted()
    else:
        who = me.name or _("The citizen")
    out.append(labelled(_("{who} presented:").format(who=who), "", st.body))
    if v.petition_type:
        out.append(labelled(_("Kind of case:"), label(PetitionType, v.petition_type) + ".",
                            st.body))
    out += _text_block(blot.text(v.content), st)
    if v.previously_handled_by:
        out.append(labelled(_("Already handled by:"),
                            blot.text(v.previously_handled_by) + ".", st.body))
    out.append(labelled(_("Answers and conclusions of the presiding official:"), "", st.body))
    out += _text_block(blot.text(v.direction), st)
    if v.handling and v.handling != VisitHandling.NONE:
        out.append(labelled(_("Handling:"), handling_label(v.handling, v.petition_type) + ".",
                            st.body))
    if v.follow_up:
        out.append(labelled(_("Follow-up:"), blot.text(v.follow_up) + ".", st.body))
    return out


def _citizen_closing(f: MinutesFacts, st: Styles) -> list:
    return [
        para(_("This part of the minutes was read aloud to the citizen named above, who "
               "agreed with it and signed it."), st.body_indent),
        para(_("The full minutes No. {number}, with every signature page, are kept by "
               "{unit}.").format(number=f.minutes.number or PLACEHOLDER, unit=f.unit.name),
             st.body_indent),
    ]


def citizen_sections(f: MinutesFacts) -> list[Section]:
    """A signature page for each citizen (or representative) of the minutes: the time and
    place, the two officials, that person alone, their part of the proceedings, and the
    signatures of that person, the recorder and the presiding official."""
    if f.kind == MinutesSubject.MEETING:
        raise ValidationError.single("copy", _(
            "The minutes of a working meeting have no citizens' signature pages: print the "
            "office's copy."))
    st = styles(f.unit.kind)
    sections: list[Section] = []
    for n, (me, v) in enumerate(_signers_of(f), start=1):
        blot = _others_blotted(f, me)
        subtitle = _("{subject} – citizen’s signature page {n}").format(
            subject=_subtitle(f), n=n)
        if f.original is not None:
            made_on = f.minutes.created_at.date()
            body = [
                labelled(_("Time:"), long_date(made_on) + ".", st.body),
                labelled(_("Place:"), _place(f) + ".", st.body),
            ]
            body += _citizen_present(f, me, v, st)
            body.append(para(
                _("The minutes No. {number} of {date} are supplemented and corrected as "
                  "follows:").format(number=f.original.number, date=format_date(f.on)),
                st.body_indent))
            body += _text_block(blot.text(f.shown_text), st)
            subtitle = _("Supplementing the minutes No. {number} – citizen’s "
                         "signature page {n}").format(number=f.original.number, n=n)
        else:
            body = _time_and_place(f, st) + _citizen_present(f, me, v, st)
            body += _citizen_proceedings(me, v, blot, st)
            if f.shown_text.strip():
                body.append(labelled(_("Other matters:"), "", st.body))
                body += _text_block(blot.text(f.shown_text), st)
        body += _citizen_closing(f, st)
        signer = (personal_signature(_("Citizens' representative"), me.name) if v.delegation
                  else personal_signature(_("Citizen"), me.name))
        title = _("Presiding official")
        signatures = [signer, personal_signature(_("Recorder"), f.recorder.name),
                      personal_signature(title, f.presiding.name)]
        sections.append(Section(subtitle, body, signatures))
    return sections


# --- entry points ------------------------------------------------------------------------


def render_minutes_record(
    session: Session,
    minutes_id: str,
    out: str | IO[bytes],
    lang: str | None = None,
    cleared: bool = False,
    shield: protection.Shield | None = None,
    copy: str = OFFICE_COPY,
) -> int:
    """Write the minutes (or an addendum) as PDF to ``out``; returns the page count.

    ``copy``: the office's copy (:data:`OFFICE_COPY`, every citizen) or the citizens'
    signature pages (:data:`CITIZEN_PAGES`, one for each citizen, with only them on it).

    ``shield`` is what the reader may see (by default: the acting user's, identities only
    when ``cleared`` and the acting user is cleared for them; each shown is audited).
    Permission and the audit of the print are the door's (``services.outputs``).
    """
    m = minutes_service.get_minutes(session, minutes_id)
    with document_language(lang):
        version = minutes_service.version_state(session, m.id)
        if version.signed is not None:
            # signed minutes are reprinted from the content that was signed
            if shield is None:
                shield = protection.shield(
                    session, cleared=cleared and protection.identity_visible())
            data = minutes_service.version_content(session, version.signed.id)
            if shield.cleared and any(v.get("confidential") for v in data["visits"]):
                # the identities printed are audited as when printed from the records
                _gather(session, m, True, shield)
            f = _shielded(facts_from_snapshot(data, get_unit(session, m.unit_id),
                                              shield.cleared), shield)
        else:
            f = gather(session, m, cleared, shield)
        on = f.minutes.created_at.date() if f.original is not None else f.on
        header = DocumentHeader.for_unit(f.unit, number=f.minutes.number, on=on)
        footer = _("Version {version} \u00b7 fingerprint {fingerprint}").format(
            version=version.current, fingerprint=version.short_fingerprint)
        if copy == CITIZEN_PAGES:
            title = _("Supplementary minutes") if f.original is not None else _("Minutes")
            return build_sections(out, header, title, citizen_sections(f), per_row=PER_ROW,
                                  footer=footer)
        title, subtitle, body, signatures = minutes_story(f)
        # three blocks a row: the citizens' rows, then the recorder and the presiding
        # official together on the last row, bottom right
        return build_pdf(out, header, title, subtitle, body, signatures, per_row=PER_ROW,
                         footer=footer)


def render_minutes(
    session: Session,
    subject_kind: str,
    subject_id: str,
    out: str | IO[bytes],
    lang: str | None = None,
    cleared: bool = False,
) -> int:
    """Write the minutes of a session, visit, dialogue or meeting as PDF to ``out``.

    The minutes record is created (a numbered draft) on first printing. ``lang``
    gives the document's language ("vi" or "en"; None: the interface language).
    ``cleared`` prints denouncers' identities (only for users cleared for them).
    Returns the page count.
    """
    m = minutes_service.minutes_for(session, subject_kind, subject_id)
    return render_minutes_record(session, m.id, out, lang=lang, cleared=cleared)
