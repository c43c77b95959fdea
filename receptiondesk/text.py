"""Vietnamese text rules: diacritic folding for search, FTS5 queries, collation.

Pure Python (standard library only) so the database layer, services, the CLI
and tests can all use it without Qt.

* ``fold`` turns any text into the form stored in search columns and used for
  queries: lower case, no diacritics, đ → d, punctuation → single spaces.
* ``fts_match`` / ``fts_any`` build SQLite FTS5 ``MATCH`` expressions over such
  pre-folded columns; user input can never break FTS5 syntax.
* ``collation_key`` / ``collation_key_text`` build plain-ASCII sort keys that
  order names the way Vietnamese rosters and dictionaries do, under binary
  comparison (SQLite ``BINARY``, Python ``<``; on PostgreSQL the key column must
  use ``COLLATE "C"``, a locale collation would ignore the punctuation in it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = [
    "VIETNAMESE_LETTERS",
    "nfc",
    "collation_key",
    "collation_key_text",
    "fold",
    "fts_any",
    "fts_match",
    "search_tokens",
    "sorted_vietnamese",
]

# ---------------------------------------------------------------------------
# Composed form
# ---------------------------------------------------------------------------


def nfc(text: str) -> str:
    """``text`` in Unicode's composed form (NFC). The legacy Windows keyboards (Unikey's
    "Unicode tổ hợp", VNI) type a Vietnamese letter as a base letter and combining marks;
    stored that way, the same name would print with misplaced accents and compare unequal
    to its composed twin. Every text the program keeps is composed."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------
# Folding
# ---------------------------------------------------------------------------

_VI_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
#: The 134 precomposed Vietnamese letters that are not plain ASCII (67 each case).
VIETNAMESE_LETTERS = _VI_LOWER + _VI_LOWER.upper()

# Growing translation tables must not become a memory sink on hostile input.
_MAX_CACHED = 20_000


def _is_dropped(ch: str) -> bool:
    """Combining marks and invisible format characters (soft hyphen, ZWSP, BOM)."""
    cat = unicodedata.category(ch)
    return cat[0] == "M" or cat == "Cf"


def _fold_char(ch: str) -> str:
    """Fold one character (slow path, unicodedata): the reference definition.

    Returns "" (mark, format char), " " (anything that is not a letter/digit) or
    the folded letters/digits; compatibility forms decompose too (ﬁ → fi, ² → 2).
    """
    s = ch
    # Lower-casing and decomposition can feed each other (ᴬ → A → a), so repeat
    # until stable: that is what makes fold() idempotent.
    for _ in range(4):
        prev = s
        s = unicodedata.normalize("NFKD", s.lower())
        s = "".join(c for c in s if not _is_dropped(c)).replace("đ", "d")
        if s == prev:
            break
    return "".join(c if c.isalnum() else " " for c in s)


class _LazyFoldTable(dict[int, str]):
    """Fallback translate table: ``__missing__`` folds unseen characters with unicodedata.

    str.translate looks keys up with ``mapping[key]``, so each new character is
    folded once and cached (bounded, so hostile input cannot grow it forever).
    """

    def __missing__(self, code: int) -> str:
        value = _fold_char(chr(code))
        if len(self) < _MAX_CACHED:
            self[code] = value
        return value


def _build_fold_table() -> dict[int, str]:
    """Precomputed table: Vietnamese letters, ASCII and common punctuation.

    Only characters that fold to ASCII go in, so "result is not ASCII" means
    "some character needs the fallback". It stays an exact dict: translate is
    about twice as fast with one as with a dict subclass, and every lookup
    must hit (a miss costs a KeyError inside translate).
    """
    chars = [*VIETNAMESE_LETTERS, *map(chr, range(0x80))]
    # Latin-1 (NBSP, « », ·), combining diacritics (NFD input from some
    # keyboards/macOS), general punctuation (– — “ ” … ZWSP).
    for lo, hi in ((0x80, 0x100), (0x300, 0x370), (0x2000, 0x2070)):
        chars.extend(map(chr, range(lo, hi)))
    folded = {ord(ch): _fold_char(ch) for ch in chars}
    return {code: value for code, value in folded.items() if value.isascii()}


_FOLD_TABLE = _build_fold_table()
_FALLBACK_TABLE = _LazyFoldTable(_FOLD_TABLE)


def fold(text: str | None) -> str:
    """Search form of ``text``: "Nguyễn-Văn  An," → "nguyen van an"; None → ""."""
    if not text:
        return ""
    folded = text.translate(_FOLD_TABLE)
    if not folded.isascii():
        # Characters outside the table (other scripts, rare symbols) were left
        # as they were; folding is idempotent per character, so fold them now.
        folded = folded.translate(_FALLBACK_TABLE)
    return " ".join(folded.split())


def fold_char(ch: str) -> str:
    """One character folded as :func:`fold` folds it ("" for an accent mark, " " for what
    is not a letter or digit): for matching in folded text and mapping back."""
    folded = ch.translate(_FOLD_TABLE)
    return folded if folded.isascii() else folded.translate(_FALLBACK_TABLE)


#: the characters the table folds to none or to several (an accent mark, a ligature)
_UNALIGNED = frozenset(chr(c) for c, v in _FOLD_TABLE.items() if len(v) != 1)


def fold_aligned(text: str) -> str | None:
    """``text`` folded character for character, each to one (as :func:`fold_char`, spaces
    not collapsed), so that a position in it is the same in ``text``; None when some
    character folds to none or to several (decomposed accents, ligatures, other scripts)."""
    folded = text.translate(_FOLD_TABLE)
    if len(folded) != len(text) or not folded.isascii() or not _UNALIGNED.isdisjoint(text):
        return None
    return folded


def search_tokens(query: str) -> list[str]:
    """Folded words of a user query; digit runs (ID numbers) stay one token."""
    return fold(query).split()


# ---------------------------------------------------------------------------
# SQLite FTS5 expressions (over columns that hold fold()ed text)
# ---------------------------------------------------------------------------


def _fts_string(token: str) -> str:
    # An FTS5 string literal: inside double quotes nothing is syntax
    # (AND, NEAR, ':', '*', '(') and a quote is written twice.
    return '"' + token.replace('"', '""') + '"'


def fts_match(query: str) -> str | None:
    """All query words as required prefix terms: 'nguyen van' → '"nguyen"* "van"*'."""
    tokens = list(dict.fromkeys(search_tokens(query)))  # drop repeats, keep order
    if not tokens:
        return None
    return " ".join(_fts_string(t) + "*" for t in tokens)


# Very common folded syllables in petitions: function words, pronouns and
# forms of address, petition boilerplate (kính gửi, đề nghị, giải quyết...),
# date/address words and the commonest surnames and middle names. Folding
# merges some useful words into these (bán → ban); acceptable for similarity.
_STOP_WORDS = frozenset(
    """
    va cua cac nhung cho trong duoc khong nguoi theo viec voi da den tai ve nay la co
    mot xin de ong ba cong dan don nghi thi ma cung con nhu khi neu vao ra len sau
    truoc tren duoi bang lam hoac hay nhieu rat nhat phai can muon toi chung minh
    anh chi em chau kinh gui ban nhan uy ubnd giai quyet yeu cau kien trinh bay xem
    xet hien sinh tru dia thoai cccd cmnd cmt cuoc ngay thang nam xa thon xom ap
    huyen tinh phuong quan thanh pho tran nguyen pham hoang huynh phan van thi huu
    the nao dang ai dieu
    """.split()
)


def _is_significant(word: str) -> bool:
    if word.isdigit():
        # Years, dates and small numbers are noise; ID/phone numbers are not.
        return len(word) >= 5
    return len(word) >= 3 and word not in _STOP_WORDS


def fts_any(text: str, limit: int = 12) -> str | None:
    """Up to ``limit`` significant words of ``text`` OR-ed, to find similar petitions."""
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for i, word in enumerate(fold(text).split()):
        if _is_significant(word):
            first.setdefault(word, i)
            count[word] = count.get(word, 0) + 1

    # Longer syllables look rarer; words repeated in the text are topical.
    # Ties go to the earlier word so the result is deterministic.
    def rank(word: str) -> tuple[int, int]:
        return (-(len(word) + 2 * min(count[word] - 1, 2)), first[word])

    chosen = sorted(first, key=rank)[: max(limit, 0)]
    if not chosen:
        return None
    return " OR ".join(_fts_string(w) for w in chosen)


# ---------------------------------------------------------------------------
# Vietnamese collation
# ---------------------------------------------------------------------------
#
# Key encoding (printable ASCII, compared by code point):
#
#   key = primary + " " + secondary
#
#   primary   words joined by "!"; within a word:
#               letter  -> one char "A".."a" (0x41..0x61) in the order of
#                          _ALPHABET: a ă â b c d đ e ê f g h i j k l m n o ô ơ
#                          p q r s t u ư v w x y z (f j w z where Latin puts them)
#               digits  -> a run, leading zeros dropped, as a length char
#                          chr(0x21 + n) ('"'..'@', n <= 31) then the digits
#                          "0".."9": numbers sort by value (Thôn 2 < Thôn 10)
#                          and before letters
#               other   -> "~" + 6 hex digits of the code point (after z)
#   secondary one tone digit per word, same word order: "0" ngang, "1" huyền,
#             "2" hỏi, "3" ngã, "4" sắc, "5" nặng (dictionary order)
#
# " " (0x20) < "!" (0x21) < every other char used, so a shorter primary sorts
# first ("An" < "Anh", "Bình" < "Bình An") and tones only decide between names
# whose whole primary part is equal ("An" < "Anh" < "Ánh").

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODE = {ch: chr(0x41 + i) for i, ch in enumerate(_ALPHABET)}
_KEY_SEP = " "
_WORD_SEP = "!"
_MAX_RUN = 31

_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Base letter + vowel modifier → Vietnamese letter (NFD splits ă into a + breve).
_MODIFIED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}
_TONE = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def _letters(text: str) -> list[list[tuple[str, str]]]:
    """Words of ``text`` as lists of (base letter or digit, combining marks)."""
    words: list[list[tuple[str, str]]] = []
    word: list[tuple[str, str]] = []
    # Lower again after NFKD: compatibility forms can decompose to capitals.
    for ch in unicodedata.normalize("NFKD", text.lower()).lower():
        cat = unicodedata.category(ch)
        if cat == "Cf":  # invisible (soft hyphen, zero-width space): ignore
            continue
        if cat[0] == "M":
            if word:  # a mark belongs to the letter before it
                base, marks = word[-1]
                word[-1] = (base, marks + ch)
        elif ch.isalnum():
            word.append((ch, ""))
        elif word:  # spaces, hyphens, apostrophes (H'Hen) end a word
            words.append(word)
            word = []
    if word:
        words.append(word)
    return words


def _encode_word(word: list[tuple[str, str]]) -> tuple[str, str]:
    """(primary code, tone digit) of one word."""
    out: list[str] = []
    digits = ""
    tone = "0"
    for base, marks in word:
        if base.isdecimal() and base.isascii():
            digits += base
            continue
        if digits:
            out.append(_encode_number(digits))
            digits = ""
        letter = base
        for mark in marks:
            letter = _MODIFIED.get((base, mark), letter)
            if tone == "0" and mark in _TONE:  # first tone mark wins
                tone = _TONE[mark]
        code = _LETTER_CODE.get(letter)
        out.append(code if code is not None else f"~{ord(letter):06x}")
    if digits:
        out.append(_encode_number(digits))
    return "".join(out), tone


def _encode_number(digits: str) -> str:
    """Length-prefixed digit run, so numbers compare by value."""
    digits = digits.lstrip("0") or "0"
    chunks = [digits[i : i + _MAX_RUN] for i in range(0, len(digits), _MAX_RUN)]
    return "".join(chr(0x21 + len(c)) + c for c in chunks)


def _key(words: list[list[tuple[str, str]]]) -> str:
    encoded = [_encode_word(w) for w in words]
    primary = _WORD_SEP.join(p for p, _ in encoded)
    secondary = "".join(t for _, t in encoded)
    return primary + _KEY_SEP + secondary


def collation_key_text(text: str) -> str:
    """Sort key for place names, units, lookup values: Vietnamese order, word by word."""
    return _key(_letters(text or ""))


def collation_key(full_name: str) -> str:
    """Sort key for a person's full name: given name, then surname, then middle names."""
    words = _letters(full_name or "")
    if len(words) > 1:
        # "Nguyễn Văn An" is filed under An, then Nguyễn, then Văn.
        words = [words[-1], words[0], *words[1:-1]]
    return _key(words)


def sorted_vietnamese(names: Iterable[str]) -> list[str]:
    """Names in Vietnamese roster order (the name itself breaks exact ties)."""
    return sorted(names, key=lambda n: (collation_key(n), n))
