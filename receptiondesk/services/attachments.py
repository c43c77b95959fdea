"""Files kept with a record: scanned petitions, documents handed in, signed copies.

The bytes are stored in the database (one file to back up), with their size and
SHA-256. Only scans and documents are kept: PDF, PNG, JPEG and TIFF, recognised by
their first bytes (the content, not the name) and named with the extension of what
they are. Anything else — a program, a script, ``don-to-cao.pdf.bat`` — is refused,
because the copy is opened later with the system's handler for its extension.

Opened copies (:func:`opened_copy`) are written to one private folder of this run
(readable by this user only), named by their checked media type, and the folder is
removed when the program exits (:func:`remove_opened_copies`, also run by ``atexit``).
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..files import temporary_folder
from ..i18n import _
from ..model import (
    Attachment,
    Citizen,
    Inspection,
    Minutes,
    Petition,
    ReceptionSession,
    Visit,
    WorkingMeeting,
)
from .accounts import require
from .errors import NotFoundError, ValidationError, os_reason
from .units import require_unit
from .validation import NOTE_LENGTH, Checker

#: the largest file kept in the database (a scanned petition is a few megabytes)
MAX_SIZE = 50 * 1024 * 1024

PDF, PNG, JPEG, TIFF = "application/pdf", "image/png", "image/jpeg", "image/tiff"
OCTET_STREAM = "application/octet-stream"

#: first bytes of the formats recognised by content (the formats' own signatures)
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)

#: what each accepted extension promises about the content; no other is accepted
EXTENSIONS: dict[str, str] = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG,
                              ".tif": TIFF, ".tiff": TIFF}
#: the extension an opened copy gets, by its checked media type
SUFFIX: dict[str, str] = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", TIFF: ".tif"}

#: the kinds of record a file can be kept with
OWNERS: dict[str, type] = {
    "petition": Petition,
    "session": ReceptionSession,
    "visit": Visit,
    "meeting": WorkingMeeting,
    "inspection": Inspection,
    "minutes": Minutes,
    "citizen": Citizen,
}


def sniff(data: bytes) -> str | None:
    """The media type recognised from the first bytes, or None."""
    for magic, media_type in MAGIC:
        if data.startswith(magic):
            return media_type
    return None


def media_type_for(file_name: str, data: bytes) -> str:
    """The media type of a file, checked against its extension.

    Raises ValidationError when the extension is not one of a scan or document
    (.pdf, .png, .jpg, .jpeg, .tif, .tiff), when it does not match the content, or
    when PDF or image content hides behind another extension.
    """
    found = sniff(data)
    promised = EXTENSIONS.get(Path(file_name).suffix.lower())
    if promised is None and found is not None:
        raise ValidationError.single(
            "path",
            _("The file \u201c{name}\u201d contains a {kind} document but its name says "
              "otherwise; rename it with the right extension.").format(
                name=file_name, kind=_kind_name(found)),
        )
    if promised is None:
        raise ValidationError.single(
            "path",
            _("The file \u201c{name}\u201d is refused: only scans and documents in PDF, "
              "PNG, JPEG or TIFF can be attached.").format(name=file_name),
        )
    if found != promised:
        raise ValidationError.single(
            "path",
            _("The file \u201c{name}\u201d is not a real {kind} file: its content does not "
              "match its extension.").format(name=file_name, kind=_kind_name(promised)),
        )
    return promised


def _kind_name(media_type: str) -> str:
    return {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}.get(media_type, media_type)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError.single(
            "path", _("Cannot read the file {name}: {reason}").format(
                name=path.name, reason=os_reason(exc))
        ) from exc
    if size > MAX_SIZE:
        raise ValidationError.single(
            "path", _("The file {name} is too large: at most {size} MB.").format(
                name=path.name, size=MAX_SIZE // (1024 * 1024))
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError.single(
            "path", _("Cannot read the file {name}: {reason}").format(
                name=path.name, reason=os_reason(exc))
        ) from exc
    if not data:
        raise ValidationError.single("path", _("The file {name} is empty.").format(
            name=path.name))
    return data


def _check_owner(session: Session, owner_kind: str, owner_id: str) -> None:
    model = OWNERS.get(owner_kind)
    if model is None:
        raise ValidationError.single(
            "owner_kind", _("Files cannot be attached to this kind of record.")
        )
    if session.get(model, owner_id) is None:
        raise NotFoundError(_("The record the file was to be attached to no longer exists."))


def add_attachment(
    session: Session,
    unit_id: str,
    owner_kind: str,
    owner_id: str,
    path: str | Path,
    description: str = "",
) -> Attachment:
    """Keep a copy of the file at ``path`` with a record; the file itself is not touched."""
    require(session, "attachments.edit")
    require_unit(session, unit_id)
    _check_owner(session, owner_kind, owner_id)
    path = Path(path)
    ck = Checker()
    ck.max_length("description", description, NOTE_LENGTH, _("Description"))
    ck.raise_if_any()
    data = _read(path)
    media_type = media_type_for(path.name, data)
    attachment = Attachment(
        unit_id=unit_id,
        owner_kind=owner_kind,
        owner_id=owner_id,
        file_name=path.name[:260],
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        description=(description or "").strip(),
        data=data,
    )
    session.add(attachment)
    from .sealed_fields import seal_attachment

    seal_attachment(session, attachment)
    session.flush()
    return attachment


def list_attachments(session: Session, owner_kind: str, owner_id: str) -> list[Attachment]:
    """The files kept with a record, oldest first (their bytes are not loaded)."""
    return list(
        session.scalars(
            select(Attachment)
            .where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
            .order_by(Attachment.created_at, Attachment.id)
        )
    )


def get_attachment(session: Session, attachment_id: str) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(_("The attached file no longer exists."))
    return attachment


def is_protected(session: Session, attachment: Attachment) -> bool:
    """Whether the file may show a denouncer's identity or handwriting (DESIGN §4): one
    kept with a denunciation, a visit that brought one, their minutes, or a protected
    citizen."""
    from . import protection

    kind, owner_id = attachment.owner_kind, attachment.owner_id
    if kind == "minutes":
        m = session.get(Minutes, owner_id)
        if m is None:
            return False
        kind, owner_id = m.subject_kind, m.subject_id
        if kind in ("session", "dialogue"):
            visits = list(session.scalars(select(Visit.id).where(Visit.session_id == owner_id)))
            return bool(protection.denounced_visit_ids(session, visits))
    if kind == "petition":
        p = session.get(Petition, owner_id)
        return p is not None and (protection.is_protected(p)
                                  or protection.petitioners_protected(session, p))
    if kind == "visit":
        v = session.get(Visit, owner_id)
        return v is not None and (protection.visit_is_denounced(session, v) or bool(
            protection.protected_citizen_ids(session, [v.citizen_id or ""])))
    if kind == "citizen":
        return bool(protection.protected_citizen_ids(session, [owner_id]))
    return False


def attachment_data(session: Session, attachment_id: str) -> bytes:
    """The stored bytes of one file, checked against the SHA-256 kept beside them.

    A file that may show a denouncer's identity (:func:`is_protected`) is given only
    to a cleared user, and the access is audited.
    """
    from . import protection
    from .accounts import require_cleared

    attachment = session.scalar(
        select(Attachment).where(Attachment.id == attachment_id).options(undefer(Attachment.data))
    )
    if attachment is None:
        raise NotFoundError(_("The attached file no longer exists."))
    if is_protected(session, attachment):
        require_cleared(session)
        protection.record_identity_view(session, "attachment", attachment.id,
                                        attachment.unit_id, "file")
    from .sealed_fields import attachment_bytes

    data = attachment_bytes(attachment)
    if attachment.sha256 and hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise ValidationError.single(
            "data", _("The stored copy of {name} is damaged.").format(name=attachment.file_name)
        )
    return data


# --- opened copies ---------------------------------------------------------------------

_opened_folder: Path | None = None


def _private_folder() -> Path:
    """This run's folder for opened copies (``mkdtemp``: readable by this user only)."""
    global _opened_folder
    if _opened_folder is None or not _opened_folder.is_dir():
        _opened_folder = temporary_folder("opened")
    return _opened_folder


def opened_copy(file_name: str, media_type: str, data: bytes) -> Path:
    """Write a copy to open with the system viewer, in this run's private folder.

    The copy is named by its checked media type (never by the extension it was given,
    which a file kept before the types were checked may have); a file of another type
    is refused rather than handed to the system's handler."""
    suffix = SUFFIX.get(media_type)
    if suffix is None or sniff(data) != media_type:
        raise ValidationError.single(
            "path", _("The file \u201c{name}\u201d is not a PDF or an image; it is not "
                      "opened.").format(name=file_name))
    stem = re.sub(r"[^\w-]+", "-", Path(file_name).stem).strip("-")[:80] or "attachment"
    target = private_path(stem + suffix)
    target.write_bytes(data)
    return target


def private_path(name: str) -> Path:
    """A path for a document this program writes to be opened (a PDF it renders)."""
    folder = Path(tempfile.mkdtemp(dir=_private_folder()))
    return folder / name


def remove_opened_copies() -> None:
    """Remove this run's opened copies (at exit; a viewer holding one open on Windows
    leaves that file, removed with the rest of the temporary folder later)."""
    global _opened_folder
    if _opened_folder is not None:
        shutil.rmtree(_opened_folder, ignore_errors=True)
        _opened_folder = None


atexit.register(remove_opened_copies)
