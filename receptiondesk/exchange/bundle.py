"""Signed offline bundles (issue 7): the file format, writing it, and verifying it.

A bundle is one zip file, every member stored (not compressed by zip):

- ``parts/<table>.jsonl.gz`` — the records of one table as JSON Lines, gzip-compressed
  (one JSON object per record, column name → value; dates ``YYYY-MM-DD``, times
  ``HH:MM:SS``, date-times ISO 8601 in UTC);
- ``manifest.json`` — the format and its version, the sending unit (id, code, name,
  level, parent), the office's Ed25519 public key and its fingerprint, when the bundle
  was made and since when it covers, and for every part its file name, record count
  and the SHA-256 of the part's bytes exactly as stored;
- ``manifest.sig`` — the Ed25519 signature (64 raw bytes) of the exact bytes of
  ``manifest.json``.

The signature covers the manifest, the manifest covers every part, and
:func:`verify_bundle` also checks that the zip's own bookkeeping (headers, central
directory, end record) is exactly what :class:`BundleWriter` writes, so that a byte
changed anywhere in the file is refused, with a reason naming what is wrong.

Which records go in and how a denouncer's identity is taken out is
:mod:`receptiondesk.exchange.bundle_export`'s work; merging them at the upper level
is :mod:`receptiondesk.exchange.bundle_merge`'s.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ..files import replace_file
from ..i18n import _, format_number
from ..services.errors import ServiceError
from ..services.office_keys import fingerprint
from .tables import json_value

FORMAT = "receptiondesk-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PART_DIR = "parts/"
PART_SUFFIX = ".jsonl.gz"
#: the manifest is small; a bigger one is not ours
MANIFEST_LIMIT = 4 * 1024 * 1024
#: one record as a JSON line: the longest texts a record holds are far below it
MAX_LINE_BYTES = 1024 * 1024
#: one part unpacked (a province's full first bundle is some hundreds of megabytes)
MAX_PART_BYTES = 4 * 1024 ** 3
#: the parts the merge holds whole in memory (units, the lookups, protected citizens,
#: deletions) are small in any office; bounded tighter
HELD_PARTS = frozenset({"units", "fields", "sources", "protected_citizens", "deletions"})
MAX_HELD_PART_BYTES = 16 * 1024 * 1024

# Every member is written with these values, and verification expects exactly them.
_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
_VERSION = 20
_EXTERNAL = 0o600 << 16
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


class BundleError(ServiceError):
    """A bundle refused: not ours, damaged, changed, or signed by the wrong key.
    Nothing was written."""


# --- values ---------------------------------------------------------------------------


def _not_json(value: Any) -> Any:
    """What the C encoder cannot write itself (called for those values only)."""
    if isinstance(value, datetime | date | time | bytes | bytearray | memoryview):
        return json_value(value)
    raise TypeError(f"{type(value).__name__} is not a bundle value")


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_not_json)


_DECODE = json.JSONDecoder().decode


def encode_record(record: dict[str, Any]) -> bytes:
    return (_ENCODER.encode(record) + "\n").encode("utf-8")


# --- writing --------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """Passes bytes on to the zip member while hashing them (the bytes as stored)."""

    def __init__(self, out) -> None:
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha.update(data)
        self.out.write(data)
        self.size += len(data)
        return len(data)


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_DATE_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 0
    info.create_version = info.extract_version = _VERSION
    info.external_attr = _EXTERNAL
    return info


@dataclass
class PartWriter:
    """Writes one table's records into its part, counting them."""

    name: str
    columns: list[str]
    _gz: gzip.GzipFile
    _hashing: _Hashing
    _stream: Any
    records: int = 0
    _pending: list[bytes] = field(default_factory=list)

    def write(self, record: dict[str, Any]) -> None:
        self._pending.append(encode_record(record))
        self.records += 1
        if len(self._pending) >= 256:  # fewer, larger writes into gzip
            self._flush()

    def _flush(self) -> None:
        self._gz.write(b"".join(self._pending))
        self._pending.clear()

    def close(self) -> dict[str, Any]:
        self._flush()
        self._gz.close()
        self._stream.close()
        return {"name": self.name, "file": PART_DIR + self.name + PART_SUFFIX,
                "records": self.records, "columns": self.columns,
                "sha256": self._hashing.sha.hexdigest(), "size": self._hashing.size}


class BundleWriter:
    """Writes a bundle beside its final name and renames it when complete."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".part")
        try:
            self._zip = zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_STORED,
                                        allowZip64=False)
        except OSError as exc:
            raise BundleError(_("Cannot write {name}: {reason}").format(
                name=str(self.path), reason=exc.strerror or exc)) from exc
        self.parts: list[dict[str, Any]] = []

    def part(self, name: str, columns: list[str]) -> PartWriter:
        stream = self._zip.open(_member(PART_DIR + name + PART_SUFFIX), "w")
        hashing = _Hashing(stream)
        gz = gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0, compresslevel=5)
        return PartWriter(name, columns, gz, hashing, stream)

    def finish(self, manifest: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
        """Write the manifest and its signature, close, and put the file in place.
        Returns the manifest's bytes."""
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        self._zip.writestr(_member(MANIFEST), body)
        self._zip.writestr(_member(SIGNATURE), key.sign(body))
        self._zip.close()
        replace_file(self.tmp, self.path)
        return body

    def abort(self) -> None:
        try:
            self._zip.close()
        except Exception:  # noqa: BLE001 - a half-written file is deleted anyway
            pass
        self.tmp.unlink(missing_ok=True)


# --- verifying ------------------------------------------------------------------------


@dataclass
class PartInfo:
    name: str
    file: str
    records: int
    sha256: str
    columns: list[str] = field(default_factory=list)


@dataclass
class VerifiedBundle:
    """A bundle whose structure, part hashes and signature were checked."""

    path: Path
    manifest: dict[str, Any]
    parts: dict[str, PartInfo]

    @property
    def sender(self) -> dict[str, Any]:
        return self.manifest["sender"]

    @property
    def public_key(self) -> str:
        return self.manifest["public_key"]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def record_count(self) -> int:
        return sum(p.records for p in self.parts.values())

    def records(self, name: str) -> Iterator[dict[str, Any]]:
        """The records of a part, streamed; the part is hashed again as it is read, so
        a file changed since it was verified is refused (in the importing transaction)."""
        for record, _size in self.sized_records(name):
            yield record

    def sized_records(self, name: str) -> Iterator[tuple[dict[str, Any], int]]:
        """(record, bytes of its JSON line) of a part, streamed.

        Memory stays bounded whatever the file holds: one line is read at a time and
        a line longer than :data:`MAX_LINE_BYTES` is refused without reading the rest
        of it; a part that unpacks to more than :data:`MAX_PART_BYTES` (the parts held
        whole, :data:`HELD_PARTS`: :data:`MAX_HELD_PART_BYTES`) is refused as soon as
        it passes the limit."""
        part = self.parts.get(name)
        if part is None:
            return
        limit = MAX_HELD_PART_BYTES if name in HELD_PARTS else MAX_PART_BYTES
        sha = hashlib.sha256()
        line_no = total = 0
        try:
            with zipfile.ZipFile(self.path) as zf, zf.open(part.file) as raw:
                hashing = _ReadHashing(raw, sha)
                with gzip.GzipFile(fileobj=hashing, mode="rb") as gz:
                    while line := gz.readline(MAX_LINE_BYTES + 1):
                        line_no += 1
                        total += len(line)
                        if len(line) > MAX_LINE_BYTES:
                            raise BundleError(_too_large(part.file, line_no, _(
                                "a record is longer than {limit} MB").format(
                                    limit=MAX_LINE_BYTES // 2**20)))
                        if total > limit:
                            raise BundleError(_too_large(part.file, line_no, _(
                                "the part unpacks to more than {limit} MB").format(
                                    limit=format_number(limit // 2**20))))
                        record = _DECODE(line.decode("utf-8"))
                        if not isinstance(record, dict):
                            raise ValueError("not an object")
                        yield record, len(line)
                hashing.drain()
        except (OSError, EOFError, ValueError, RecursionError, zipfile.BadZipFile,
                gzip.BadGzipFile) as exc:
            raise BundleError(_(
                "The part {part} of the bundle cannot be read at record {line}: {reason}"
            ).format(part=part.file, line=line_no + 1, reason=exc)) from exc
        if sha.hexdigest() != part.sha256:
            raise BundleError(_part_changed(part.file))


class _ReadHashing(io.RawIOBase):
    def __init__(self, raw, sha) -> None:
        self.raw, self.sha = raw, sha

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.sha.update(data)
        buffer[:len(data)] = data
        return len(data)

    def drain(self) -> None:
        while self.raw.read(1 << 16):
            pass


def _too_large(part: str, line: int, reason: str) -> str:
    return _("The part {part} of the bundle is refused at record {line}: {reason}.").format(
        part=part, line=line, reason=reason)


def _part_changed(name: str) -> str:
    return _("The part {part} was changed or damaged: its SHA-256 does not match the "
             "manifest.").format(part=name)


def _not_bundle(path: Path, reason: str) -> BundleError:
    return BundleError(_("{file} is not a ReceptionDesk bundle: {reason}").format(
        file=path.name, reason=reason))


def verify_bundle(path: str | Path) -> VerifiedBundle:
    """Check a bundle completely (structure, manifest, signature, every part) before
    anything is read from it; :class:`BundleError` names what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(_("There is no file at {path}.").format(path=path))
    try:
        with path.open("rb") as fh:
            try:
                names = _check_layout(path, fh)
            except BundleError:
                _foreign_zip(path)  # a zip of another kind: say that rather than "damaged"
                raise
        with zipfile.ZipFile(path) as zf:
            return _verify_members(path, zf, names)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            struct.error, NotImplementedError) as exc:
        raise BundleError(_("The bundle {file} is damaged: {reason}").format(
            file=path.name, reason=exc)) from exc


def _foreign_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except Exception:  # noqa: BLE001 - not readable as a zip at all: "damaged" stands
        return
    if MANIFEST not in names:
        raise _not_bundle(path, _("it has no manifest.json."))


def _check_layout(path: Path, fh) -> list[str]:
    """The zip's bookkeeping must be exactly what BundleWriter writes: nothing in the
    file escapes the hashes and the signature. Returns the member names."""
    size = fh.seek(0, os.SEEK_END)
    if size < _END.size:
        raise _not_bundle(path, _("it is not a complete zip file (it may be truncated)."))
    fh.seek(size - _END.size)
    sig, disk, disk_cd, n_disk, n_total, cd_size, cd_offset, comment = _END.unpack(
        fh.read(_END.size))
    if sig != b"PK\x05\x06":
        if size >= 4 and _head(fh) in (b"PK\x03\x04", b"PK\x05\x06"):
            raise _not_bundle(path, _("it is not a complete zip file (it may be "
                                      "truncated)."))
        raise _not_bundle(path, _("it is not a zip file."))
    if (disk, disk_cd, comment) != (0, 0, 0) or n_disk != n_total \
            or cd_offset + cd_size != size - _END.size:
        raise _damaged(path, _("the zip end record"))
    fh.seek(cd_offset)
    central = fh.read(cd_size)
    entries, pos = [], 0
    for _i in range(n_total):
        entry = _CENTRAL.unpack_from(central, pos)
        name_end = pos + _CENTRAL.size + entry[12]
        entries.append((entry, central[pos + _CENTRAL.size:name_end]))
        pos = name_end
    if pos != cd_size:
        raise _damaged(path, _("the zip central directory"))
    offset = 0
    names = []
    for entry, raw_name in entries:
        name = raw_name.decode("ascii", "replace")
        (sig, cver, csys, xver, reserved, flags, method, dtime, ddate, crc, csize, usize,
         name_len, extra_len, comment_len, disk_start, internal, external, header) = entry
        if (sig, cver, csys, xver, reserved, flags, method, dtime, ddate, extra_len,
                comment_len, disk_start, internal, external) != (
                b"PK\x01\x02", _VERSION, 0, _VERSION, 0, 0, 0, _DOS_TIME, _DOS_DATE, 0, 0, 0,
                0, _EXTERNAL) or csize != usize or header != offset:
            raise _damaged(path, _("the zip directory entry of {member}").format(member=name))
        fh.seek(offset)
        local = _LOCAL.unpack(fh.read(_LOCAL.size))
        if local != (b"PK\x03\x04", _VERSION, 0, 0, 0, _DOS_TIME, _DOS_DATE, crc, csize,
                     usize, name_len, 0) or fh.read(name_len) != raw_name:
            raise _damaged(path, _("the zip header of {member}").format(member=name))
        offset += _LOCAL.size + name_len + csize
        names.append(name)
    if offset != cd_offset or len(set(names)) != len(names):
        raise _damaged(path, _("the zip central directory"))
    return names


def _head(fh) -> bytes:
    fh.seek(0)
    return fh.read(4)


def _damaged(path: Path, where: str) -> BundleError:
    return BundleError(_("The bundle {file} is damaged or was changed: {where} is not as "
                         "written.").format(file=path.name, where=where))


def _verify_members(path: Path, zf: zipfile.ZipFile, names: list[str]) -> VerifiedBundle:
    if MANIFEST not in names:
        raise _not_bundle(path, _("it has no manifest.json."))
    if zf.getinfo(MANIFEST).file_size > MANIFEST_LIMIT:
        raise _not_bundle(path, _("its manifest.json is too large."))
    try:
        body = zf.read(MANIFEST)
    except zipfile.BadZipFile as exc:  # the zip's own CRC-32 check
        raise BundleError(_("The manifest of {file} was changed or damaged.").format(
            file=path.name)) from exc
    manifest = _parse_manifest(path, body)
    if SIGNATURE not in names:
        raise BundleError(_("The bundle {file} is not signed: it has no {member}.").format(
            file=path.name, member=SIGNATURE))
    try:
        signature = zf.read(SIGNATURE)
    except zipfile.BadZipFile:  # the zip's own CRC-32 check: a changed signature
        signature = b""
    _check_signature(path, manifest, body, signature)
    parts = _check_parts(path, zf, manifest)
    expected = {MANIFEST, SIGNATURE} | {p.file for p in parts.values()}
    for name in names:
        if name not in expected:
            raise BundleError(_("The bundle {file} holds {member}, which its manifest does "
                                "not list.").format(file=path.name, member=name))
    return VerifiedBundle(path, manifest, parts)


def _parse_manifest(path: Path, body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(_("The manifest of {file} is damaged: {reason}").format(
            file=path.name, reason=exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _not_bundle(path, _("its manifest.json is of another format."))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BundleError(_("{file} is a bundle of format version {found}; this program "
                            "reads version {expected}.").format(
                                file=path.name, found=version, expected=FORMAT_VERSION))
    sender = manifest.get("sender")
    problems = []
    if not isinstance(sender, dict) or not all(
            isinstance(sender.get(k), str) and sender.get(k) for k in ("id", "code", "name")):
        problems.append("sender")
    key = manifest.get("public_key")
    if not isinstance(key, str) or len(key) != 64 or not _is_hex(key):
        problems.append("public_key")
    if not isinstance(manifest.get("parts"), list):
        problems.append("parts")
    if problems:
        raise BundleError(_("The manifest of {file} lacks or has a wrong {field}.").format(
            file=path.name, field=", ".join(problems)))
    return manifest


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _check_signature(path: Path, manifest: dict, body: bytes, signature: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(manifest["public_key"])).verify(
            signature, body)
    except (InvalidSignature, ValueError) as exc:
        raise BundleError(_("The signature of {file} does not match its manifest: the "
                            "bundle was changed after it was signed, or damaged.").format(
                                file=path.name)) from exc


def _check_parts(path: Path, zf: zipfile.ZipFile, manifest: dict) -> dict[str, PartInfo]:
    parts: dict[str, PartInfo] = {}
    for item in manifest["parts"]:
        try:
            part = PartInfo(str(item["name"]), str(item["file"]), int(item["records"]),
                            str(item["sha256"]), list(item.get("columns") or []))
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError(_("The manifest of {file} lacks or has a wrong {field}.").format(
                file=path.name, field="parts")) from exc
        try:
            zf.getinfo(part.file)
        except KeyError as exc:
            raise BundleError(_("The part {part} listed in the manifest is missing from "
                                "the bundle.").format(part=part.file)) from exc
        sha = hashlib.sha256()
        try:
            with zf.open(part.file) as fh:
                while chunk := fh.read(1 << 20):
                    sha.update(chunk)
        except zipfile.BadZipFile as exc:  # the zip's own CRC-32 check
            raise BundleError(_part_changed(part.file)) from exc
        if sha.hexdigest() != part.sha256:
            raise BundleError(_part_changed(part.file))
        parts[part.name] = part
    return parts


__all__ = ["FORMAT", "FORMAT_VERSION", "BundleError", "BundleWriter", "PartWriter",
           "VerifiedBundle", "encode_record", "json_value", "verify_bundle"]
