"""Sealed values: a protected person's identity stored so that only a cleared account can
read it (Luật Tố cáo 2018, Điều 47, 48 và 56: revealing a denouncer is an offence, and an
office's backups travel on USB sticks).

**Anyone signed in may seal, only the cleared may open.** A clerk records a denouncer, so
sealing must not need the secret. The database holds the office's *sealing public key*
(X25519) in plain; the matching private key is kept wrapped for each cleared account and
for the recovery key (the key custody module), and is put in this process's keyring when a
cleared account signs in.

**One agreement per writer, not per value.** Each process sealing values makes one
ephemeral X25519 key, agrees a secret with the office's public key once, and derives an
AES-256-GCM key from it (HKDF-SHA256). Its public half is stored in every value it seals, so
an opener agrees once per writer and caches the key: opening a few thousand values costs
a few agreements and microseconds of AES each.

**Bound to its place.** The context (``"petitioners.full_name"``) is the AEAD's associated
data, so a sealed value copied into another column does not open.

Format, all ASCII so it fits the existing text columns::

    rds1.<base64url(writer public key 32 B + nonce 12 B + ciphertext and tag)>

**Equality without plaintext.** :func:`keyed_hash` gives an HMAC-SHA256 of a folded ID
number under the *index key*, which every signed-in account holds (a clerk must find a
repeat petition of a protected person); a stolen file without a password gives nothing.

This module holds no database code: the keys reach it through :func:`set_keyring`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

PREFIX = "rds1."
_HKDF_INFO = b"receptiondesk sealed value v1"
_KEY_LEN = 32
_NONCE_LEN = 12


class NotCleared(PermissionError):
    """Opening a sealed value without the office's private sealing key in the keyring."""


class DamagedSealedValue(ValueError):
    """A sealed value that does not open with the right key: changed, moved or cut."""


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _derive(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_LEN, salt=None,
                info=_HKDF_INFO).derive(shared)


@dataclass
class Keyring:
    """The keys this process holds: the office's public sealing key always (once the
    database has one), the private key and the index key only after a sign-in that
    unwrapped them."""

    public_key: bytes
    private_key: bytes | None = None
    index_key: bytes | None = None
    _writer: X25519PrivateKey | None = field(default=None, repr=False)
    _writer_key: bytes | None = field(default=None, repr=False)
    _opened: dict[bytes, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def cleared(self) -> bool:
        return self.private_key is not None

    def writer(self) -> tuple[bytes, bytes]:
        """This process's writer public key and its AES key, made once."""
        with self._lock:
            if self._writer is None:
                self._writer = X25519PrivateKey.generate()
                office = X25519PublicKey.from_public_bytes(self.public_key)
                self._writer_key = _derive(self._writer.exchange(office))
            assert self._writer_key is not None
            return _raw_public(self._writer.public_key()), self._writer_key

    def opener(self, writer_public: bytes) -> bytes:
        """The AES key of values sealed by this writer (needs the private key)."""
        if self.private_key is None:
            raise NotCleared("the office's private sealing key is not unlocked")
        with self._lock:
            key = self._opened.get(writer_public)
            if key is None:
                private = X25519PrivateKey.from_private_bytes(self.private_key)
                key = _derive(private.exchange(
                    X25519PublicKey.from_public_bytes(writer_public)))
                self._opened[writer_public] = key
            return key


_keyring: Keyring | None = None


def set_keyring(keyring: Keyring | None) -> None:
    """Hand this process the keys (at sign-in), or take them away (sign-out, closing)."""
    global _keyring
    _keyring = keyring


def current_keyring() -> Keyring | None:
    return _keyring


def new_key_pair() -> tuple[bytes, bytes]:
    """A new office sealing key pair: (private, public), 32 raw bytes each."""
    private = X25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return raw, _raw_public(private.public_key())


def new_index_key() -> bytes:
    return os.urandom(_KEY_LEN)


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(text: str, *, context: str, keyring: Keyring | None = None) -> str:
    """``text`` sealed for the office, bound to ``context`` (``"table.column"``)."""
    ring = keyring or _keyring
    if ring is None:
        raise RuntimeError("no sealing key: the database has not been sealed yet")
    writer_public, key = ring.writer()
    nonce = os.urandom(_NONCE_LEN)
    body = AESGCM(key).encrypt(nonce, text.encode("utf-8"), context.encode("utf-8"))
    return PREFIX + base64.urlsafe_b64encode(writer_public + nonce + body).decode("ascii")


def open_sealed(value: str, *, context: str, keyring: Keyring | None = None) -> str:
    """The text of a sealed value; a value that is not sealed is returned as it is."""
    if not is_sealed(value):
        return value
    ring = keyring or _keyring
    if ring is None:
        raise NotCleared("no keys are unlocked")
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX):].encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DamagedSealedValue(context) from exc
    if len(raw) < 32 + _NONCE_LEN + 16:
        raise DamagedSealedValue(context)
    writer_public, nonce, body = raw[:32], raw[32:32 + _NONCE_LEN], raw[32 + _NONCE_LEN:]
    try:
        plain = AESGCM(ring.opener(writer_public)).decrypt(nonce, body, context.encode("utf-8"))
    except InvalidTag as exc:
        raise DamagedSealedValue(context) from exc
    return plain.decode("utf-8")


def keyed_hash(folded: str, *, keyring: Keyring | None = None) -> str:
    """An HMAC-SHA256 (hex) of an already folded value under the index key, for equality
    checks (repeat petitions, merging citizens) that must not keep the value itself."""
    ring = keyring or _keyring
    if ring is None or ring.index_key is None:
        raise NotCleared("the index key is not unlocked")
    return hmac.new(ring.index_key, folded.encode("utf-8"), hashlib.sha256).hexdigest()


def open_many(values: list[str | None], *, context: str,
              keyring: Keyring | None = None) -> list[str | None]:
    """:func:`open_sealed` of many values of one column at once (one AES context per
    writer instead of one per value: a cleared user's search opens thousands); a value
    that does not open is given as None, a plain one as it is."""
    ring = keyring or _keyring
    if ring is None:
        raise NotCleared("no keys are unlocked")
    aad = context.encode("utf-8")
    ciphers: dict[bytes, AESGCM] = {}
    out: list[str | None] = []
    for value in values:
        if not is_sealed(value):
            out.append(value)
            continue
        assert value is not None
        try:
            raw = base64.urlsafe_b64decode(value[len(PREFIX):].encode("ascii"))
            writer = raw[:32]
            cipher = ciphers.get(writer)
            if cipher is None:
                cipher = ciphers[writer] = AESGCM(ring.opener(writer))
            out.append(cipher.decrypt(raw[32:32 + _NONCE_LEN], raw[32 + _NONCE_LEN:], aad)
                       .decode("utf-8"))
        except (ValueError, UnicodeEncodeError, InvalidTag):
            out.append(None)
    return out


BYTES_PREFIX = b"rds1"


def is_sealed_bytes(data: object) -> bool:
    return isinstance(data, bytes | bytearray | memoryview) and bytes(data[:4]) == BYTES_PREFIX


def seal_bytes(data: bytes, *, context: str, keyring: Keyring | None = None) -> bytes:
    """``data`` (a scan) sealed for the office as :func:`seal` seals a text: ``rds1`` +
    writer public key + nonce + ciphertext and tag, raw."""
    ring = keyring or _keyring
    if ring is None:
        raise RuntimeError("no sealing key: the database has not been sealed yet")
    writer_public, key = ring.writer()
    nonce = os.urandom(_NONCE_LEN)
    return BYTES_PREFIX + writer_public + nonce + AESGCM(key).encrypt(
        nonce, bytes(data), context.encode("utf-8"))


def open_bytes(data: bytes, *, context: str, keyring: Keyring | None = None) -> bytes:
    """The bytes of a sealed scan; bytes not sealed are returned as they are."""
    if not is_sealed_bytes(data):
        return data
    ring = keyring or _keyring
    if ring is None:
        raise NotCleared("no keys are unlocked")
    raw = bytes(data)[len(BYTES_PREFIX):]
    if len(raw) < 32 + _NONCE_LEN + 16:
        raise DamagedSealedValue(context)
    writer_public, nonce, body = raw[:32], raw[32:32 + _NONCE_LEN], raw[32 + _NONCE_LEN:]
    try:
        return AESGCM(ring.opener(writer_public)).decrypt(nonce, body, context.encode("utf-8"))
    except InvalidTag as exc:
        raise DamagedSealedValue(context) from exc
