"""Vietnamese text: folding for search, FTS5 expressions, roster collation."""

from __future__ import annotations

import random
import sqlite3
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from receptiondesk.text import (
    VIETNAMESE_LETTERS,
    _fold_char,
    collation_key,
    collation_key_text,
    fold,
    fts_any,
    fts_match,
    search_tokens,
    sorted_vietnamese,
)

VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
BASES = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"

# Text that looks like what clerks type: Vietnamese letters, digits, punctuation.
vi_text = st.text(
    alphabet=VIETNAMESE_LETTERS + "abcdeghiklmnopqrstuvxyfjwzABCDEGHIKLMNOPQRSTUVXY0123456789 ,.-'",
    max_size=40,
)
vi_words = st.text(alphabet=VIETNAMESE_LETTERS[:67] + "abcdeghiklmnopqrstuvxy ", max_size=12)


# --- fold -------------------------------------------------------------------


def test_fold_finds_name_without_diacritics() -> None:
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert "nguyen van an" in fold("Ông Nguyễn Văn An, thôn 3")


def test_fold_d_with_stroke_and_case() -> None:
    assert fold("ĐỖ Thị Đào") == "do thi dao"


def test_every_vietnamese_letter_folds_to_its_ascii_base() -> None:
    assert len(VOWELS) == len(BASES) == 67
    assert len(VIETNAMESE_LETTERS) == 134
    assert fold(VOWELS) == BASES
    assert fold(VOWELS.upper()) == BASES
    for letter, base in zip(VOWELS + VOWELS.upper(), BASES + BASES, strict=True):
        assert fold(letter) == base, letter


def test_fold_punctuation_and_whitespace() -> None:
    assert fold("Nguyễn-Văn An,") == "nguyen van an"
    assert fold("  Trần\t\tThị\nBình…  “Tổ 5” – ấp 3 ") == "tran thi binh to 5 ap 3"
    assert fold("Số CCCD: 001203004567") == "so cccd 001203004567"
    assert fold("Nguy\u00adễn\u200b Văn") == "nguyen van"  # soft hyphen, zero-width space


@pytest.mark.parametrize("empty", [None, "", "   ", ",.;-"])
def test_fold_empty(empty: str | None) -> None:
    assert fold(empty) == ""


def test_fold_decomposed_input_equals_precomposed() -> None:
    text = "Nguyễn Thị Hường, xã Quảng Phú, huyện Cư M'gar, ĐẮK LẮK"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert fold(nfd) == fold(text) == "nguyen thi huong xa quang phu huyen cu m gar dak lak"


def test_fold_other_scripts_fall_back_to_unicodedata() -> None:
    assert fold("Ørsted Straße ﬁ №5") == "ørsted straße fi no5"
    assert fold("Müller Ａ１２") == "muller a12"  # full-width forms


def test_search_tokens_keep_id_numbers_whole() -> None:
    assert search_tokens("Nguyễn  Văn An 001203004567") == ["nguyen", "van", "an", "001203004567"]
    assert search_tokens(" ,;") == []


@given(st.text())
def test_fold_is_idempotent_and_clean(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert "đ" not in folded and "Đ" not in folded
    assert not any(unicodedata.category(ch)[0] == "M" for ch in folded)
    assert folded == folded.strip() and "  " not in folded


@given(st.text())
def test_fold_table_agrees_with_unicodedata_reference(text: str) -> None:
    reference = " ".join("".join(_fold_char(ch) for ch in text).split())
    assert fold(text) == reference


@given(vi_text)
def test_fold_vietnamese_text_is_ascii(text: str) -> None:
    assert fold(text).isascii()


# --- FTS5 ---------------------------------------------------------------------

NAMES = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Văn An", "Lê Thị Nguyệt"]


@pytest.fixture
def fts() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute("create virtual table t using fts5(body)")
    con.executemany("insert into t(body) values (?)", [(fold(n),) for n in NAMES])
    return con


def _search(con: sqlite3.Connection, expr: str | None) -> list[str]:
    assert expr is not None
    rows = con.execute("select rowid from t where t match ? order by rowid", (expr,))
    return [NAMES[rowid - 1] for (rowid,) in rows]


def test_fts_match_expression() -> None:
    assert fts_match("nguyen van") == '"nguyen"* "van"*'
    assert fts_match("Nguyễn VĂN") == '"nguyen"* "van"*'
    assert fts_match("") is None
    assert fts_match(' "*: ') is None


def test_fts_match_finds_prefixes_of_all_words(fts: sqlite3.Connection) -> None:
    assert _search(fts, fts_match("nguyen van")) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert _search(fts, fts_match("Nguyễn Văn Anh")) == ["Nguyễn Văn Anh"]
    assert _search(fts, fts_match("van an")) == ["Nguyễn Văn An", "Nguyễn Văn Anh", "Trần Văn An"]
    assert _search(fts, fts_match("nguy")) == ["Nguyễn Văn An", "Nguyễn Văn Anh", "Lê Thị Nguyệt"]
    assert _search(fts, fts_match("tran an")) == ["Trần Văn An"]


@pytest.mark.parametrize(
    "hostile",
    [
        'a" OR b',
        "NEAR(",
        "*",
        "col:x",
        '"',
        "AND",
        "OR",
        "NOT an",
        "(van",
        "body:an",
        "an)",
        "^an",
        "van + an",
        "{body}: an",
        "an AND OR NOT",
        "NEAR(an van, 2)",
        "'; drop",
    ],
)
def test_fts_match_hostile_input_never_breaks_syntax(fts: sqlite3.Connection, hostile: str) -> None:
    expr = fts_match(hostile)
    if expr is not None:
        _search(fts, expr)  # must not raise sqlite3.OperationalError


def test_fts_match_operators_are_plain_words(fts: sqlite3.Connection) -> None:
    # "OR" must not turn the query into an alternative: both sides stay required.
    assert _search(fts, fts_match("tran OR nguyen")) == []
    assert _search(fts, fts_match("van NOT anh")) == []


@given(st.text(max_size=30))
def test_fts_match_any_text_is_valid_fts5(text: str) -> None:
    con = sqlite3.connect(":memory:")
    con.execute("create virtual table t using fts5(body)")
    con.execute("insert into t(body) values (?)", (fold(text),))
    expr = fts_match(text)
    if expr is not None:
        con.execute("select rowid from t where t match ?", (expr,)).fetchall()
    expr = fts_any(text)
    if expr is not None:
        con.execute("select rowid from t where t match ?", (expr,)).fetchall()


PETITION = (
    "Kính gửi UBND xã. Tôi là Nguyễn Văn Bình, đề nghị giải quyết việc tranh chấp "
    "ranh giới thửa đất với hộ ông Trần Văn Cường; hộ ông Cường lấn chiếm đất."
)


def test_fts_any_picks_significant_words() -> None:
    expr = fts_any(PETITION)
    assert expr is not None
    words = [w.strip('"') for w in expr.split(" OR ")]
    assert {"tranh", "chap", "ranh", "gioi", "thua", "dat", "lan", "chiem"} <= set(words)
    for common in ("kinh", "gui", "ubnd", "nguyen", "van", "nghi", "giai", "quyet", "voi", "ong"):
        assert common not in words
    assert len(words) == len(set(words)) <= 12
    assert expr == fts_any(PETITION)  # deterministic


def test_fts_any_limit_and_empty() -> None:
    expr = fts_any(PETITION, limit=3)
    assert expr is not None and expr.count(" OR ") == 2
    assert fts_any("và của các những cho") is None
    assert fts_any("") is None
    assert fts_any("năm 2024, ngày 5") is None  # dates are not content


def test_fts_any_finds_similar_petition() -> None:
    con = sqlite3.connect(":memory:")
    con.execute("create virtual table t using fts5(body)")
    bodies = [
        PETITION,
        "Đề nghị cấp giấy chứng nhận quyền sử dụng đất cho gia đình tôi.",
        "Phản ánh tình trạng xả rác thải gây ô nhiễm môi trường tại thôn 3.",
        "Khiếu nại việc tranh chấp ranh giới đất giữa hai hộ gia đình ở xóm 2.",
    ]
    con.executemany("insert into t(body) values (?)", [(fold(b),) for b in bodies])
    query = fts_any("Tranh chấp ranh giới đất với nhà hàng xóm")
    rows = con.execute("select rowid from t where t match ? order by rank", (query,)).fetchall()
    assert {r for (r,) in rows[:2]} == {1, 4}
    assert 3 not in {r for (r,) in rows}


# --- collation ------------------------------------------------------------------

ROSTER = [
    "Nguyễn Văn An",
    "Trần Thị An",
    "Lê Văn Anh",
    "Phạm Thị Ánh",
    "Trần Văn Bình",
    "Hoàng Minh Châu",
    "Lê Thị Cúc",
    "Nguyễn Thị Dung",
    "Võ Văn Dũng",
    "Lê Văn Duy",
    "Ngô Thị Đào",
    "Bùi Minh Đức",
    "Đặng Thu Giang",
    "Phan Thị Hà",
    "Đỗ Văn Hải",
]


def test_roster_sorts_by_given_name_then_surname() -> None:
    shuffled = ROSTER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted_vietnamese(shuffled) == ROSTER


def test_given_name_before_surname() -> None:
    assert collation_key("Trần Văn Bình") < collation_key("Lê Thị Cúc")
    assert collation_key("Nguyễn Văn An") < collation_key("Trần Thị An")
    assert collation_key("Trần Văn An") < collation_key("Lê Thị Anh")
    # Same given name and surname: middle names decide.
    assert collation_key("Lê Thị Hoa") < collation_key("Lê Văn Hoa")


def test_d_with_stroke_after_all_d_words() -> None:
    names = ["Đào", "Dung", "Duy", "Dương", "Dũng", "Đức", "Dzũng"]
    assert sorted(names, key=collation_key) == [
        "Dung",
        "Dũng",
        "Duy",
        "Dương",
        "Dzũng",
        "Đào",
        "Đức",
    ]


def test_breve_and_circumflex_letters_follow_a() -> None:
    words = ["Ân", "Ấp", "Ăn", "Anh", "Bé", "An", "Ảnh", "Âu"]
    assert sorted(words, key=collation_key_text) == [
        "An",
        "Anh",
        "Ảnh",
        "Ăn",
        "Ân",
        "Ấp",
        "Âu",
        "Bé",
    ]


def test_alphabet_order() -> None:
    alphabet = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
    shuffled = alphabet[:]
    random.Random(3).shuffle(shuffled)
    assert sorted(shuffled, key=collation_key_text) == alphabet
    upper = [c.upper() for c in shuffled]
    assert sorted(upper, key=collation_key_text) == [c.upper() for c in alphabet]


def test_tones_are_secondary() -> None:
    tones = ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    assert sorted(reversed(tones), key=collation_key) == tones
    assert sorted(["Ánh", "Anh", "An"], key=collation_key) == ["An", "Anh", "Ánh"]
    # The whole name is compared letter by letter before any tone counts.
    assert collation_key("Lê Văn Ánh") < collation_key("Nguyễn Văn Anh")
    assert collation_key("Mạ") < collation_key("Man")


def test_case_and_normal_form_do_not_matter() -> None:
    name = "Nguyễn Thị Ánh Tuyết"
    assert collation_key(name) == collation_key(name.upper())
    assert collation_key(name) == collation_key(unicodedata.normalize("NFD", name))
    assert collation_key("Lê  Văn-An") == collation_key("Lê Văn An")


def test_text_collation_keeps_word_order_and_numbers() -> None:
    units = ["Tổ 3", "Thôn 10", "Thôn 2", "Xóm B", "Xóm 5", "Thôn 1", "Ấp Đông", "Ấp 7"]
    expected = ["Ấp 7", "Ấp Đông", "Thôn 1", "Thôn 2", "Thôn 10", "Tổ 3", "Xóm 5", "Xóm B"]
    assert sorted(units, key=collation_key_text) == expected
    assert collation_key_text("Hòa Bình") < collation_key_text("Hòa Bình Đông")
    assert collation_key_text("Bình Hòa") < collation_key_text("Hòa Bình")


def test_key_is_printable_ascii() -> None:
    for name in ROSTER + ["", "Thôn 10", "H'Hen Niê", "Ørsted", "李"]:
        key = collation_key(name)
        assert key.isascii() and key.isprintable(), (name, key)


@given(st.text())
def test_collation_key_never_raises(text: str) -> None:
    for key in (collation_key(text), collation_key_text(text)):
        assert isinstance(key, str) and key.isascii() and key.isprintable()


@given(st.lists(st.text(), max_size=12))
def test_sorting_by_key_is_consistent(names: list[str]) -> None:
    ordered = sorted_vietnamese(names)
    assert sorted(ordered) == sorted(names)
    keys = [collation_key(n) for n in ordered]
    assert keys == sorted(keys)
    assert sorted_vietnamese(reversed(names)) == ordered  # independent of input order


@given(vi_text, vi_text)
def test_collation_ignores_case_and_punctuation(a: str, b: str) -> None:
    assert collation_key(a) == collation_key(a.upper())
    assert collation_key_text(f"{a} {b}") == collation_key_text(f"{a}, {b}")


@given(vi_words, vi_words)
def test_equal_keys_only_for_equal_names(a: str, b: str) -> None:
    # Letters and tones all count: equal keys mean the same name up to case.
    if collation_key_text(a) == collation_key_text(b):
        assert a.lower().split() == b.lower().split()


def test_fold_aligned_keeps_each_position():
    from receptiondesk.text import fold_aligned

    assert fold_aligned("Hoàng Văn Bí, ĐT: 09") == "hoang van bi  dt  09"
    assert fold_aligned("Hoa\u0300ng") is None  # a decomposed accent folds to nothing
