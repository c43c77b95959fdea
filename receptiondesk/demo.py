"""Demo data: a commune, or a whole province, with years of realistic records.

:func:`generate_demo` fills an empty, freshly migrated database (the lookups,
sources and rules that :func:`~receptiondesk.db.open_database` seeds are used;
nothing else may be there yet) with Vietnamese offices, officials, citizens,
reception sessions and visits, petitions with their whole history, working
meetings with concluding notices, and inspections and supervisions.

* ``"small"``: one commune (Mường Phăng, Điện Biên): its Party committee (the
  home unit) and its People's Committee, three to four years ending ``today``.
* ``"province"``: an Điện Biên-like province: the provincial Party committee
  (home unit) and People's Committee, ten districts (dissolved on 2025-07-01)
  and 48 communes and wards, each with a Party committee and a People's
  Committee, over the five-year term ending ``today``: ~150k citizens, >100k
  visits, >300k petitions.

Every place has a Party committee and a People's Committee. A People's
Committee's parent is the Party committee of the same place (so a unit and its
descendants cover both); a district's Party committee is under the province's
and a commune's under its district's, kept after the districts were dissolved,
for history. A dissolved district's petitions are all handled by its last day.

Deterministic for a given ``seed`` and ``today``: every choice, id and timestamp
comes from one :class:`random.Random`. Ids are 32 hex digits laid out like a
UUIDv7 (a sequence number where the time goes, then 74 random bits), so they
sort in creation order and the B-tree indexes only ever append.

Speed: rows are written with ``executemany`` in batches inside one
transaction. On SQLite, values are pre-formatted the way SQLAlchemy stores
them, the load runs with a rollback journal (not WAL), no fsync and no
foreign-key checks (all restored afterwards), and the three triggers that feed
the search index on INSERT are dropped and re-created from the exact SQL stored
in the database around a set-based rebuild of the index. Folded keys are
assembled from cached folded parts and checked against
:mod:`receptiondesk.services.indexing` (a mismatch switches to those functions).
"""

from __future__ import annotations

import random
import time as _time
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from string import Formatter

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from .db import Database
from .documents.numbering import document_symbol
from .i18n import _
from .model import (
    Citizen,
    ConcludingNotice,
    DeadlineExtension,
    Field,
    Inspection,
    Official,
    Petition,
    Petitioner,
    PetitionEvent,
    ReceptionSession,
    SourceEntry,
    Unit,
    Visit,
    VisitAttendee,
    WorkingMeeting,
)
from .rules import competence
from .rules.calendar import WorkCalendar
from .rules.deadlines import (
    COMPLAINT_RESOLVE_FIRST,
    COMPLAINT_RESOLVE_SECOND,
    DENUNCIATION_ACCEPT,
    DENUNCIATION_RESOLVE,
    Extension,
    PetitionFacts,
    RuleBook,
    next_due,
    rule_days,
)
from .services import reference
from .services.indexing import (
    citizen_keys,
    petition_search_text,
    session_search_text,
    visit_search_text,
)
from .text import collation_key, fold

__all__ = ["DEMO_SCALES", "DemoSummary", "generate_demo"]

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


@dataclass
class DemoSummary:
    """What :func:`generate_demo` wrote: rows per table, and how long it took (seconds)."""

    scale: str
    seed: int
    today: date
    counts: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class _Weights:
    """A weighted choice: ``w(x)`` with x uniform in [0, 1) (much faster than choices())."""

    __slots__ = ("values", "cum", "total")

    def __init__(self, pairs) -> None:
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self.values = tuple(v for v, _w in pairs)
        self.cum: list[float] = []
        total = 0.0
        for _v, weight in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, x: float):
        return self.values[bisect_right(self.cum, x * self.total)]


# =============================================================================
# Vietnamese names, places and phrases
# =============================================================================

_KINH_FAMILY = (
    ("Nguyễn", 16), ("Trần", 5), ("Lê", 5), ("Phạm", 4), ("Hoàng", 4), ("Huỳnh", 1),
    ("Phan", 2), ("Vũ", 3), ("Võ", 1), ("Đặng", 2), ("Bùi", 3), ("Đỗ", 2), ("Hồ", 1),
    ("Ngô", 2), ("Dương", 2), ("Lý", 1),
)
_KINH_MIDDLE_M = ("Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Thanh",
                  "Công", "Mạnh", "Ngọc")
_KINH_MIDDLE_F = ("Thị", "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hồng",
                  "Thùy")
_KINH_GIVEN_M = (
    "An", "Bình", "Dũng", "Đức", "Giang", "Hải", "Hùng", "Khánh", "Long", "Minh", "Nam",
    "Phong", "Quang", "Sơn", "Tâm", "Thắng", "Tuấn", "Xuân", "Cường", "Hiếu", "Kiên", "Lâm",
    "Nghĩa", "Toàn", "Trung", "Việt", "Chiến", "Thành", "Duy", "Hoàng", "Anh", "Hà",
)
_KINH_GIVEN_F = (
    "Anh", "Cúc", "Đào", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Mai", "Nga", "Phương", "Thảo",
    "Trang", "Vân", "Yến", "Hằng", "Huyền", "Linh", "Loan", "Nhung", "Oanh", "Thủy", "Tuyết",
    "Hiền", "Dung", "Liên", "Xuân", "Tâm", "Giang", "Khánh", "Minh",
)
# Thái families of Điện Biên (Lò, Quàng, Cà, Lường, Tòng, Điêu...).
_THAI_FAMILY = (("Lò", 10), ("Quàng", 6), ("Cà", 5), ("Lường", 5), ("Tòng", 2), ("Điêu", 2),
                ("Lý", 1))
_THAI_GIVEN_M = (
    "Xôm", "Ún", "Pánh", "Khăm", "Inh", "Phanh", "Chiêng", "Ngân", "Thanh", "Hùng", "Sơn",
    "Tiến", "Ngoan", "Bun", "Phóng", "Chăn", "Dũng", "Minh", "Thắng", "Long",
)
_THAI_GIVEN_F = (
    "Ơn", "Ngọc", "Xuân", "Hoa", "Lả", "Pọm", "Ón", "Thoa", "Biên", "Kim", "Hương", "Mai",
    "Lan", "Yến", "Phương", "Trang",
)
# H'Mông families: men take the middle name "A".
_HMONG_FAMILY = (("Giàng", 4), ("Mùa", 2), ("Sùng", 2), ("Vừ", 2), ("Thào", 2), ("Lầu", 1))
_HMONG_GIVEN_M = ("Sùng", "Páo", "Chứ", "Dếnh", "Pó", "Chang", "Lử", "Sử", "Tủa", "Dinh")
_HMONG_GIVEN_F = ("Mỷ", "Dợ", "Chi", "Súa", "Và", "Dua", "Pà", "Mai", "Sua")


_KINH_F = _Weights(_KINH_FAMILY)
_THAI_F = _Weights(_THAI_FAMILY)
_HMONG_F = _Weights(_HMONG_FAMILY)

_MUONG_PHANG_VILLAGES = (
    "Bản Phăng 1", "Bản Phăng 2", "Bản Khẩu Cắm", "Bản Che Căn", "Bản Co Cượm", "Bản Nghịu",
    "Bản Lĩnh", "Bản Kéo", "Bản Tâu", "Bản Xôm", "Bản Na Sang", "Bản Cang",
)
_VILLAGE_STEMS = (
    "Na Sang", "Huổi Lóng", "Pá Pao", "Nậm Chim", "Co Muông", "Phiêng Ban", "Hua Pe", "Xôm",
    "Món", "Noong Hẹt", "Pú Tửu", "Nà Nhạn", "Co Mận", "Huổi Phạ", "Pa Sáng", "Tà Lèng",
    "Púng Bon", "Hát Lót", "Nà Pen", "Chiềng Chung", "Xá Nhè", "Tủa Thàng", "Háng Lìa",
    "Sín Chải", "Pá Khôm", "Nậm Ty", "Huổi Sa", "Bó", "Ten Luống", "Nà Lơi", "Co Pục",
    "Pa Thơm", "Kê Nênh", "Nong Luống", "Hồng Lứu", "Na Hai", "Xa Dung", "Pú Nhi",
)

# The ten pre-2025 districts of Điện Biên and some of their communes and wards.
_DISTRICTS: tuple[tuple[str, str, bool, tuple[tuple[str, str], ...]], ...] = (
    ("Điện Biên Phủ", "thành phố", False, (
        ("Him Lam", "phường"), ("Mường Thanh", "phường"), ("Tân Thanh", "phường"),
        ("Thanh Bình", "phường"), ("Thanh Minh", "xã"), ("Tà Lèng", "xã"))),
    ("Mường Lay", "thị xã", False, (
        ("Na Lay", "phường"), ("Sông Đà", "phường"), ("Lay Nưa", "xã"))),
    ("Điện Biên", "huyện", False, (
        ("Thanh An", "xã"), ("Thanh Xương", "xã"), ("Thanh Nưa", "xã"), ("Mường Phăng", "xã"),
        ("Nà Tấu", "xã"), ("Núa Ngam", "xã"), ("Mường Nhà", "xã"), ("Pá Khoang", "xã"),
        ("Thanh Luông", "xã"))),
    ("Điện Biên Đông", "huyện", True, (
        ("Na Son", "xã"), ("Xa Dung", "xã"), ("Phình Giàng", "xã"), ("Keo Lôm", "xã"),
        ("Luân Giới", "xã"))),
    ("Mường Ảng", "huyện", False, (
        ("Búng Lao", "xã"), ("Ẳng Nưa", "xã"), ("Ẳng Tở", "xã"), ("Xuân Lao", "xã"))),
    ("Tuần Giáo", "huyện", False, (
        ("Quài Tở", "xã"), ("Chiềng Sinh", "xã"), ("Mường Mùn", "xã"), ("Pú Nhung", "xã"),
        ("Tỏa Tình", "xã"))),
    ("Tủa Chùa", "huyện", True, (
        ("Sín Chải", "xã"), ("Sính Phình", "xã"), ("Mường Báng", "xã"), ("Tả Phìn", "xã"))),
    ("Mường Chà", "huyện", True, (
        ("Sa Lông", "xã"), ("Huổi Lèng", "xã"), ("Ma Thì Hồ", "xã"), ("Na Sang", "xã"))),
    ("Mường Nhé", "huyện", True, (
        ("Chung Chải", "xã"), ("Sín Thầu", "xã"), ("Mường Toong", "xã"), ("Quảng Lâm", "xã"))),
    ("Nậm Pồ", "huyện", True, (
        ("Chà Cang", "xã"), ("Nà Hỳ", "xã"), ("Si Pa Phìn", "xã"), ("Nà Khoa", "xã"))),
)
_REMOTE_COMMUNES = frozenset({"Mường Phăng", "Pá Khoang", "Mường Nhà", "Tà Lèng", "Lay Nưa",
                              "Pú Nhung", "Tỏa Tình", "Mường Mùn"})

_PROJECTS = (
    "Cảng hàng không Điện Biên", "Đường vành đai II thành phố Điện Biên Phủ",
    "Đường 60m Điện Biên Phủ - Noong Bua", "Hồ chứa nước Ẳng Cang", "Thủy điện Nậm Mức",
    "Khu tái định cư Noong Bua", "Kè chống sạt lở suối Nậm Rốm",
    "Đường nối Quốc lộ 12 - Mường Phăng", "Trường Phổ thông dân tộc nội trú tỉnh",
    "Khu di tích lịch sử Điện Biên Phủ", "Đường tránh Quốc lộ 279",
)

_FIELD_WEIGHTS = {
    "land": 36, "compensation": 22, "housing": 6, "social_policy": 10, "civil_service": 4,
    "justice": 5, "corruption": 6, "environment": 5, "other": 6,
}
_SUBJECTS: dict[str, tuple[str, ...]] = {
    "land": (
        "tranh chấp ranh giới thửa đất số {lot}, tờ bản đồ số {sheet} với hộ liền kề tại {village}",
        "việc chậm cấp giấy chứng nhận quyền sử dụng đất đối với thửa đất số {lot}, "
        "tờ bản đồ số {sheet}",
        "việc lấn chiếm đất nông nghiệp, đất rừng sản xuất tại {village}",
        "việc đo đạc, chỉnh lý biến động đất đai không đúng hiện trạng sử dụng tại {village}",
        "việc chuyển mục đích sử dụng đất vườn sang đất ở tại {village}",
        "việc giao đất, cho thuê đất không đúng đối tượng tại {village}",
        "việc cấp trùng giấy chứng nhận quyền sử dụng đất cho hai hộ tại {village}",
    ),
    "compensation": (
        "mức bồi thường, hỗ trợ khi Nhà nước thu hồi đất thực hiện dự án {project}",
        "việc bố trí tái định cư cho hộ gia đình bị thu hồi đất dự án {project}",
        "việc kiểm đếm cây cối, tài sản trên đất bị thu hồi của dự án {project}",
        "việc chậm chi trả tiền bồi thường, hỗ trợ dự án {project}",
        "việc xác định nguồn gốc đất để bồi thường dự án {project}",
    ),
    "housing": (
        "việc hỗ trợ làm nhà ở cho hộ nghèo tại {village}",
        "tranh chấp quyền sở hữu nhà ở, tài sản thừa kế của gia đình tại {village}",
        "việc xây dựng nhà ở lấn chiếm lối đi chung tại {village}",
        "việc nhà ở bị nứt, lún do thi công công trình dự án {project}",
    ),
    "social_policy": (
        "việc bình xét hộ nghèo, hộ cận nghèo năm {year} tại {village}",
        "việc giải quyết chế độ trợ cấp xã hội cho người cao tuổi, người khuyết tật",
        "chế độ chính sách đối với người có công với cách mạng",
        "việc cấp thẻ bảo hiểm y tế cho người dân tộc thiểu số tại {village}",
        "việc chi trả tiền dịch vụ môi trường rừng năm {year} tại {village}",
        "việc hỗ trợ gạo cứu đói giáp hạt năm {year}",
    ),
    "civil_service": (
        "kết quả xét tuyển công chức cấp xã năm {year}",
        "việc giải quyết chế độ thôi việc của người hoạt động không chuyên trách",
        "việc bố trí, sắp xếp cán bộ khi sắp xếp đơn vị hành chính",
        "việc chậm chi trả phụ cấp cho trưởng bản, công an viên tại {village}",
    ),
    "justice": (
        "việc chứng thực hợp đồng chuyển nhượng quyền sử dụng đất",
        "việc đăng ký hộ tịch, cải chính ngày sinh trong giấy khai sinh",
        "việc chậm thi hành bản án dân sự đã có hiệu lực pháp luật",
        "kết quả hòa giải tranh chấp của tổ hòa giải {village}",
    ),
    "corruption": (
        "việc thu tiền của nhân dân sai quy định khi làm thủ tục cấp giấy chứng nhận "
        "quyền sử dụng đất",
        "việc sử dụng sai mục đích kinh phí hỗ trợ phát triển sản xuất tại {village}",
        "sai phạm trong quản lý, sử dụng quỹ của {village}",
        "việc nhũng nhiễu, gây khó khăn cho nhân dân khi giải quyết thủ tục hành chính",
        "việc lập khống danh sách nhận hỗ trợ tại {village}",
    ),
    "environment": (
        "việc khai thác cát, sỏi trái phép trên suối gây sạt lở đất sản xuất tại {village}",
        "cơ sở chế biến nông sản gây ô nhiễm môi trường tại {village}",
        "việc đổ rác thải không đúng nơi quy định tại {village}",
        "việc chăn nuôi gia súc gây ô nhiễm nguồn nước sinh hoạt tại {village}",
    ),
    "other": (
        "việc sửa chữa đường giao thông nội bản {village} bị sạt lở",
        "tình trạng thiếu nước sinh hoạt tại {village}",
        "việc đầu tư xây dựng nhà văn hóa {village}",
        "tình trạng mất điện kéo dài tại {village}",
        "việc đóng góp xây dựng đường bê tông nông thôn tại {village}",
    ),
}
_DETAILS = (
    "Gia đình đã nhiều lần gửi đơn nhưng chưa được giải quyết dứt điểm.",
    "Đề nghị cơ quan có thẩm quyền xem xét, giải quyết đúng quy định của pháp luật.",
    "Việc này ảnh hưởng trực tiếp đến đời sống, sản xuất của gia đình.",
    "Công dân cung cấp kèm theo bản phô tô các giấy tờ liên quan.",
    "Đề nghị tổ chức kiểm tra, xác minh tại thực địa.",
    "Nhiều hộ dân trong bản có cùng nội dung phản ánh.",
)
_ACCUSED = (
    "{title} {name}, công chức địa chính xã", "trưởng {village}",
    "{title} {name}, nguyên Chủ tịch UBND xã", "{title} {name}, kế toán xã",
    "{title} {name}, cán bộ phụ trách dự án", "{title} {name}, bí thư chi bộ {village}",
)
_TYPE_WEIGHTS = {
    "party": {"complaint": 12, "denunciation": 20, "recommendation": 36, "reflection": 26,
              "mixed": 6},
    "state": {"complaint": 34, "denunciation": 8, "recommendation": 33, "reflection": 20,
              "mixed": 5},
}
_PREVIOUSLY = (
    "UBND xã đã tổ chức hòa giải nhưng không thành",
    "Tổ hòa giải {village} đã hòa giải",
    "UBND huyện đã trả lời bằng văn bản",
    "Đã được tiếp tại buổi tiếp công dân trước",
    "Tòa án nhân dân đã thụ lý",
)
_NOTE_EXTRA = (
    "Đã mời công dân đến làm việc, cung cấp thêm tài liệu",
    "Đã kiểm tra thực địa cùng trưởng bản và các hộ liền kề",
    "Công dân đến hỏi kết quả giải quyết",
)
_CONCLUSIONS = (
    "Yêu cầu các chi bộ, cơ quan, đơn vị tiếp tục quán triệt Quy định 11-QĐi/TW về trách nhiệm "
    "của người đứng đầu trong tiếp dân, đối thoại trực tiếp với dân.",
    "Giao UBND rà soát, giải quyết dứt điểm các vụ việc khiếu nại kéo dài, đông người.",
    "Tăng cường hòa giải ở cơ sở, không để phát sinh điểm nóng.",
    "Công khai lịch tiếp công dân của người đứng đầu tại trụ sở và trên cổng thông tin điện tử.",
    "Kịp thời báo cáo cấp trên những vụ việc vượt thẩm quyền.",
    "Rà soát việc giải quyết đơn thư tồn đọng, báo cáo kết quả trước ngày cuối quý.",
)
_FINDINGS_OK = "Đơn vị thực hiện cơ bản đúng quy định; sổ sách tiếp công dân ghi chép đầy đủ."
_FINDINGS_BAD = (
    "Còn để đơn tồn đọng quá hạn giải quyết; sổ tiếp công dân ghi chép chưa đầy đủ.",
    "Người đứng đầu chưa tiếp công dân đủ số ngày theo quy định.",
    "Chưa ban hành thông báo kết luận sau một số buổi tiếp công dân.",
)

_TYPE_PREFIX = {
    "recommendation": ("Kiến nghị xem xét, giải quyết ", "Đề nghị cơ quan có thẩm quyền xem xét "),
    "reflection": ("Phản ánh ",),
    "mixed": ("Khiếu nại, tố cáo và kiến nghị về ",),
}


_SOURCE_NOTES = {
    "reception": "Tiếp nhận đơn tại buổi tiếp công dân",
    "post": "Tiếp nhận đơn qua đường bưu chính",
    "mailbox": "Tiếp nhận đơn từ hòm thư góp ý",
    "online": "Tiếp nhận đơn qua cổng dịch vụ công trực tuyến",
}
_HANDLED_STATUS = {"accept": "accepted", "guide": "guided", "forward": "forwarded",
                   "urge": "forwarded", "archive": "archived", "return": "returned"}
_FORWARDERS = (
    "Ban Tiếp công dân tỉnh Điện Biên", "Văn phòng Tỉnh ủy Điện Biên", "Thanh tra tỉnh Điện Biên",
    "Đoàn đại biểu Quốc hội tỉnh Điện Biên", "Ban Dân nguyện - Ủy ban Thường vụ Quốc hội",
    "Báo Điện Biên Phủ", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Điện Biên",
)
_BODIES = {
    "land": ("Văn phòng Đăng ký đất đai tỉnh Điện Biên",
             "Sở Nông nghiệp và Môi trường tỉnh Điện Biên"),
    "compensation": ("Ban Quản lý dự án các công trình tỉnh Điện Biên",
                     "Trung tâm Phát triển quỹ đất tỉnh Điện Biên"),
    "justice": ("Tòa án nhân dân tỉnh Điện Biên", "Thi hành án dân sự tỉnh Điện Biên"),
    "social_policy": ("Sở Nội vụ tỉnh Điện Biên", "Bảo hiểm xã hội tỉnh Điện Biên"),
    "corruption": ("Ủy ban Kiểm tra Tỉnh ủy Điện Biên", "Thanh tra tỉnh Điện Biên",
                   "Công an tỉnh Điện Biên"),
    "environment": ("Sở Nông nghiệp và Môi trường tỉnh Điện Biên",),
    "civil_service": ("Sở Nội vụ tỉnh Điện Biên",),
    "housing": ("Sở Xây dựng tỉnh Điện Biên",),
}
_OTHER_BODIES = ("UBND tỉnh Điện Biên", "Công ty Điện lực Điện Biên")

_W_VISITS_REGULAR = _Weights({1: 20, 2: 25, 3: 22, 4: 15, 5: 10, 6: 8})
_W_COMPLEXITY = _Weights({0: 74, 1: 20, 2: 6})
_W_INELIGIBLE = _Weights({"archive": 75, "return": 25})
_W_OUTSIDE = _Weights({"guide": 50, "forward": 42, "return": 8})
_W_PARTY = _Weights({"forward": 46, "accept": 30, "guide": 12, "archive": 6, "urge": 6})
_W_STATE_CD = _Weights({"accept": 78, "guide": 9, "forward": 6, "archive": 4, "return": 3})
_W_STATE = _Weights({"accept": 52, "forward": 20, "guide": 14, "archive": 8, "urge": 4,
                     "return": 2})
_W_VISIT_PETITION = _Weights({"accept": 45, "forward": 25, "guide": 20, "none": 10})
_W_VISIT_ONLY = _Weights({"none": 55, "guide": 35, "forward": 10})
_W_COMPLAINT = _Weights({"correct": 15, "incorrect": 55, "partly_correct": 22, "withdrawn": 8})
_W_DENUNCIATION = _Weights({"founded": 18, "unfounded": 50, "partly_founded": 24,
                            "withdrawn": 8})
_W_MIXED_D = _Weights({"founded": 20, "unfounded": 50, "partly_founded": 25, "withdrawn": 5})
#: a recommendation or reflection is answered, never judged correct (model.codes.results_for)
_W_ANSWER = _Weights({"answered": 95, "withdrawn": 5})
_CLOSE_P = {"guide": 0.6, "forward": 0.55, "urge": 0.5, "archive": 0.4, "return": 0.7}
_HANDLING_NOTE = {
    "accept": "Thụ lý giải quyết",
    "archive": "Lưu đơn",
    "return": "Trả lại đơn và giấy tờ cho công dân",
}


def _event_order(event: tuple) -> tuple:
    return event[0], event[1]


def _compile(template: str) -> tuple[tuple[str, str, str | None], ...]:
    """A template as (literal, folded literal, field name) pieces.

    Every field sits between separators in the templates below, so the folded
    text of a filled template is the folded pieces joined by single spaces.
    """
    return tuple((lit, fold(lit), name) for lit, name, _spec, _conv in Formatter().parse(template))


_C_SUBJECTS = {k: tuple(_compile(t) for t in v) for k, v in _SUBJECTS.items()}
_C_ACCUSED = tuple(_compile(t) for t in _ACCUSED)
_C_DECISION = _compile("Khiếu nại Quyết định số {number}/QĐ-UBND ngày {issued} của UBND {place} "
                       "về ")
_C_PREFIX = {
    "complaint": (_compile("Khiếu nại về "),),
    "denunciation_head": (_compile("Tố cáo "),),
    "denunciation_tail": (_compile(" có hành vi sai phạm liên quan đến "),),
    **{k: tuple(_compile(p) for p in v) for k, v in _TYPE_PREFIX.items()},
}
_F_DETAILS = tuple((d, fold(d)) for d in _DETAILS)


# =============================================================================
# Storage helpers
# =============================================================================

# UUIDv7 layout: 48-bit "time" (here a sequence), version 7, 12 random bits, variant
# 0b10, 62 random bits.
_UUID7 = (7 << 76) | (2 << 62)
_LOW62 = (1 << 62) - 1
_HIGH12 = ((1 << 74) - 1) ^ _LOW62

_HHMM = tuple(f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(24 * 60))


class _IsoDates(dict):
    def __missing__(self, day: date) -> str:
        value = self[day] = day.isoformat()
        return value


class _Values:
    """Dates, times and timestamps as stored: SQLAlchemy's SQLite text forms, or objects."""

    def __init__(self, sqlite: bool) -> None:
        if sqlite:
            iso = _IsoDates()
            self.d: Callable = lambda day: None if day is None else iso[day]
            self.ts: Callable = lambda day, minute: iso[day] + _HHMM[minute]
            self.t: Callable = lambda minute: _HHMM[minute][1:]
        else:
            self.d = lambda day: day
            self.ts = lambda day, minute: datetime(day.year, day.month, day.day,
                                                   minute // 60, minute % 60)
            self.t = lambda minute: dtime(minute // 60, minute % 60)


class _Writer:
    """Buffers rows (tuples in a fixed column order) and writes them in batches."""

    def __init__(self, conn: Connection, sqlite: bool) -> None:
        self.conn = conn
        self.sqlite = sqlite
        self.counts: dict[str, int] = {}
        self._buffers: dict[str, list[tuple]] = {}
        self._specs: dict[str, tuple] = {}

    def register(self, model, columns: Sequence[str]) -> None:
        table = model.__table__
        names = {c.name for c in table.columns}
        # the keyed hashes of sealed identities are left to their defaults: the demo is
        # written before the database has keys (sealed_fields.seal_existing seals it)
        names -= {"id_hash", "seal_marks"} - set(columns)
        if names != set(columns) or len(columns) != len(names):
            raise AssertionError(f"{table.name}: the demo's columns differ from the model's")
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            table.name, ", ".join(columns), ", ".join("?" * len(columns))
        )
        self._specs[table.name] = (table, tuple(columns), sql)
        self._buffers[table.name] = []
        self.counts[table.name] = 0

    def add(self, table: str, row: tuple) -> None:
        self._buffers[table].append(row)

    def rows(self, table: str) -> list[tuple]:
        """The table's buffer, to append to directly. Rows are written at :meth:`flush_all`,
        called where every row a record refers to is complete (a petition's events are made
        before the petition's own row, so a buffer written as soon as it is full could write
        them first, which PostgreSQL refuses)."""
        return self._buffers[table]

    def flush(self, table: str) -> None:
        """Write the table's buffer, after the buffers of every table it may refer to
        (``_TABLE_ORDER``): PostgreSQL checks each foreign key as the row goes in."""
        for parent in _TABLE_ORDER[:_TABLE_ORDER.index(table)]:
            self._write(parent)
        self._write(table)

    def _write(self, table: str) -> None:
        rows = self._buffers.get(table)
        if not rows:
            return
        tbl, columns, sql = self._specs[table]
        for start in range(0, len(rows), _BATCH):
            batch = rows[start:start + _BATCH]
            if self.sqlite:
                self.conn.exec_driver_sql(sql, batch)
            else:
                self.conn.execute(insert(tbl), [dict(zip(columns, r, strict=True))
                                                for r in batch])
        self.counts[table] += len(rows)
        rows.clear()

    def flush_all(self) -> None:
        for table in _TABLE_ORDER:
            self._write(table)


# Column orders of the rows built below (every column of each table).
_REC = ("id", "created_at", "updated_at", "version")
_OWN = (*_REC, "unit_id")
_COLUMNS: dict[type, tuple[str, ...]] = {
    Unit: (*_REC, "code", "name", "level", "kind", "parent_id", "parent_body_name",
           "place_name", "remote_area", "national_code", "dissolved_on", "is_home",
           "successor_id", "former_parent_id", "parent_since"),
    Official: (*_OWN, "full_name", "position", "duty_role", "active", "sort_key"),
    Citizen: (*_OWN, "full_name", "birth_year", "gender", "id_number", "address", "phone",
              "name_key", "address_key", "sort_key", "search_text", "merged_into_id"),
    ReceptionSession: (*_OWN, "ref", "session_date", "start_time", "end_time", "place", "kind",
                       "mode", "presiding_official_id", "presiding_name",
                       "recorder_official_id", "notes", "locked", "search_text"),
    Visit: (*_OWN, "session_id", "seq", "visit_date", "citizen_id", "head_count",
            "is_delegation", "representatives", "content", "field_code", "petition_type",
            "previously_handled_by", "handling", "direction", "follow_up", "notes",
            "search_text", "locked"),
    VisitAttendee: (*_OWN, "visit_id", "citizen_id", "seq", "is_representative"),
    Petition: (*_OWN, "ref", "received_date", "source_code", "petition_type", "field_code",
               "content", "visit_id", "forwarded_from", "signers", "eligible",
               "within_competence", "anonymous", "party_matter", "duplicate_of_id",
               "many_signers",
               "beyond_level", "long_running", "is_delegation", "complexity",
               "complaint_round", "status", "handling", "handling_date", "handled_to",
               "accepted_date", "assigned_official_id", "result", "result_date",
               "decision_number", "decision_date", "closed_date", "next_due_date",
               "next_due_key", "search_text"),
    Petitioner: (*_OWN, "petition_id", "citizen_id", "seq", "full_name", "id_number",
                 "address", "phone", "name_key"),
    PetitionEvent: (*_OWN, "petition_id", "seq", "kind", "event_date", "from_status",
                    "to_status", "official_id", "note", "recorded_at"),
    DeadlineExtension: (*_OWN, "petition_id", "deadline_key", "decided_on", "days", "reason",
                        "decision_number", "official_id"),
    WorkingMeeting: (*_OWN, "ref", "meeting_date", "kind", "chaired_by_id", "chaired_by_name",
                     "place", "participants", "content", "conclusions", "locked"),
    ConcludingNotice: (*_OWN, "number", "issued_on", "meeting_id", "session_id", "content",
                       "signed_by_id"),
    Inspection: (*_OWN, "ref", "inspection_date", "body", "kind", "organisations",
                 "organisation_count", "members", "member_count", "content", "findings",
                 "violations_found", "conclusions"),
}

# The search index of migration 0001: records reach it through these INSERT triggers.
_SEARCHED = (("citizens", "citizen"), ("visits", "visit"), ("petitions", "petition"),
             ("reception_sessions", "session"))
_INSERT_TRIGGERS = tuple(f"{t}_search_insert" for t, _k in _SEARCHED)


# =============================================================================
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


# =============================================================================
# The generator
# =============================================================================


class _Demo:
    #: how many records of each kind have their fast keys compared with the official ones
    VERIFY = 400

    def __init__(self, db: Database, scale: str, seed: int, today: date,
                 progress: Callable[[str, float], None] | None) -> None:
        self.db = db
        self.scale = scale
        self.rnd = random.Random(seed)
        self.r = self.rnd.random
        self.today = today
        self._progress = progress
        self.province = scale in ("province", SAMPLE_PROVINCE)
        self.sample = scale == SAMPLE_PROVINCE
        if self.province:
            years = 1 if self.sample else 5
            try:
                self.start = today.replace(year=today.year - years)
            except ValueError:  # 29 February
                self.start = today.replace(year=today.year - years, day=28)
        else:
            self.start = date(today.year - 3, 1, 1)
        self.dissolved_on = DISTRICTS_DISSOLVED if today >= DISTRICTS_DISSOLVED else None
        #: unit id -> the unit that took over its work when it was dissolved
        self.successor_of: dict[str, _Unit] = {}
        self.id_numbers: set[str] = set()
        self.units: list[_Unit] = []
        self.districts: list[_Place] = []
        self.saved_triggers: list[str] = []
        self.saved_indexes: list[str] = []
        self.F = _FoldCache()
        self.C = _CollationCache()
        self.fast_keys = True
        self.verify = {"content": self.VERIFY, "citizen": self.VERIFY, "visit": self.VERIFY,
                       "petition": self.VERIFY}
        self._seq = 0
        self._bits = self.rnd.getrandbits
        self._id_base = int(datetime(today.year, today.month, today.day, tzinfo=UTC)
                            .timestamp() * 1000)

    # --- small helpers -----------------------------------------------------------

    def progress(self, message: str, fraction: float) -> None:
        if self._progress is not None:
            self._progress(message, max(0.0, min(1.0, fraction)))

    def uid(self) -> str:
        """32 hex digits in the UUIDv7 layout: sequence, version 7, 74 random bits."""
        self._seq += 1
        bits = self._bits(74)
        return "%032x" % (((self._id_base + self._seq) << 80) | _UUID7
                          | ((bits & _HIGH12) << 2) | (bits & _LOW62))

    def ri(self, lo: int, hi: int) -> int:
        """A random integer in [lo, hi]."""
        return lo + int(self.r() * (hi - lo + 1))

    def ch(self, seq: Sequence):
        return seq[int(self.r() * len(seq))]

    def minute(self, lo: int = 7 * 60 + 30, hi: int = 17 * 60) -> int:
        return lo + int(self.r() * (hi - lo))

    def workday(self, lo: date, hi: date) -> date:
        """A random working day in [lo, hi] (lo itself if there is none)."""
        span = (hi - lo).days
        for _attempt in range(6):
            d = lo + timedelta(days=self.ri(0, max(span, 0)))
            if self.cal.is_working_day(d):
                return d
        first = self.cal.next_working_day(lo)
        return first if first <= hi else lo

    def checked(self, kind: str, fast, official: Callable[[], object]):
        """``fast`` while it matches ``official()`` on the first records of a kind."""
        if self.verify[kind] > 0:
            self.verify[kind] -= 1
            value = official()
            if value != fast:
                self.fast_keys = False
            return value
        return fast if self.fast_keys else official()

    # --- reference data ------------------------------------------------------------

    def load_reference(self) -> None:
        with self.db.session() as s:
            if s.scalar(select(Unit.id).limit(1)) is not None:
                raise ValueError(_("Demo data can only be added to an empty database."))
            self.book = RuleBook(reference.deadline_rules(s))
            self.cal: WorkCalendar = reference.work_calendar(s)
            field_codes = list(s.scalars(select(Field.code).where(Field.active.is_(True))
                                         .order_by(Field.sort_order, Field.code)))
            source_codes = set(s.scalars(select(SourceEntry.code)))
        if not field_codes or not source_codes:
            raise ValueError(_("The database has no fields or sources of petitions."))
        self.field_codes = field_codes
        self.w_field = _Weights({c: _FIELD_WEIGHTS.get(c, 2) for c in field_codes})
        wanted = ("reception", "post", "forwarded", "mailbox", "online")
        self.sources = [c for c in wanted if c in source_codes] or sorted(source_codes)
        self.reception_source = "reception" if "reception" in source_codes else self.sources[0]
        self.other_sources = [c for c in self.sources if c != "reception"] or self.sources
        self.w_type = {k: _Weights(v) for k, v in _TYPE_WEIGHTS.items()}

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

    # --- reception sessions and visits -------------------------------------------------

    def session_days(self, unit: _Unit) -> list[tuple[date, str, _Off, str]]:
        """(date, kind, presiding official, mode) of every session of the unit."""
        r, cal = self.r, self.cal
        start, end = self.start, unit.active_to
        days: list[tuple[date, str, _Off, str]] = []
        head, clerk = unit.head, unit.clerk

        def add(d: date, kind: str, who: _Off, mode: str = "in_person") -> None:
            if start <= d <= end:
                days.append((d, kind, who, mode))

        # Regular sessions on the published schedule.
        month = date(start.year, start.month, 1)
        while month <= end:
            if unit.kind == "party":
                twice = unit.level == "commune" and month >= PARTY_TWICE_A_MONTH.replace(day=1)
                plan: tuple[int, ...] = (8, 22) if twice else (18,)
            elif unit.level == "district":
                plan = (6, 20)
            elif unit.level == "province":
                plan = (15,)
            else:
                plan = ()  # weekly, below
            for day in plan:
                d = cal.next_working_day(month.replace(day=day))
                if r() < 0.94:
                    online = unit.kind == "party" and month.month in (6, 12) and day == plan[0]
                    add(d, "regular", head, "online" if online else "in_person")
            month = (month + timedelta(days=32)).replace(day=1)
        if unit.kind == "state" and unit.level == "commune":
            # The chairman receives citizens every week (Citizen Reception Law, art. 15).
            weekday = self.ri(0, 3)
            monday = start - timedelta(days=start.weekday())
            while monday <= end:
                for k in range(weekday, 5):
                    d = monday + timedelta(days=k)
                    if cal.is_working_day(d):
                        if r() < 0.93:
                            add(d, "regular", head)
                        break
                monday += timedelta(days=7)
        # The routine desk (the reception office or the clerk), on working days.
        if unit.kind == "state":
            rate = {"province": 1.0, "district": 0.62}.get(
                unit.level, 0.22 if self.province else 0.1)
            d, one = start, timedelta(days=1)
            while d <= end:
                if cal.is_working_day(d) and r() < rate:
                    add(d, "routine", clerk)
                d += one
        # Unscheduled sessions (urgent, complex, long-running, many people) and dialogues.
        p_unscheduled = {"province": 0.5, "district": 0.3}.get(unit.level, 0.12)
        month = date(start.year, start.month, 1)
        while month <= end:
            if r() < p_unscheduled:
                add(self.workday(month, month + timedelta(days=27)), "unscheduled", head)
            month = (month + timedelta(days=32)).replace(day=1)
        for year in range(start.year, end.year + 1):
            for _i in range(self.ri(2, 4) if unit.kind == "state" else 1):
                d = self.workday(date(year, 1, 10), date(year, 12, 20))
                add(d, "dialogue", head, "online" if r() < 0.1 else "in_person")
        days.sort(key=lambda x: x[0])
        return days

    def visits_count(self, unit: _Unit, kind: str) -> int:
        ch = self.ch
        if kind == "dialogue":
            return ch((1, 1, 2))
        if kind == "unscheduled":
            return ch((1, 1, 2, 3))
        if kind == "routine":
            if unit.level == "commune":
                return ch((1, 1, 2, 2, 3, 4))
            return ch((2, 3, 3, 4, 4, 5, 5, 6, 7, 8))
        return _W_VISITS_REGULAR(self.r())

    def area(self, unit: _Unit) -> list[_Place]:
        place = unit.place
        return [place] if place.level == "commune" else place.communes

    def fill(self, pieces, values: dict[str, tuple[str, str]], raw: list[str],
             folded: list[str]) -> None:
        for lit, flit, name in pieces:
            if lit:
                raw.append(lit)
                if flit:
                    folded.append(flit)
            if name is not None:
                value, fvalue = values[name]
                raw.append(value)
                if fvalue:
                    folded.append(fvalue)

    def content(self, ptype: str, field_code: str, place: _Place, received: date,
                ) -> tuple[str, str]:
        """A petition's or visit's content and its folded form."""
        r, ri, ch, F = self.r, self.ri, self.ch, self.F
        village = ch(place.villages)
        village = village[0].lower() + village[1:]
        lot, sheet = str(ri(12, 480)), str(ri(1, 45))
        project = ch(_PROJECTS)
        year = str(received.year - ri(0, 2))
        values = {"lot": (lot, lot), "sheet": (sheet, sheet), "village": (village, F[village]),
                  "project": (project, F[project]), "year": (year, year)}
        raw: list[str] = []
        folded: list[str] = []
        if ptype == "complaint":
            if field_code in ("land", "compensation", "housing") and r() < 0.6:
                issued = received - timedelta(days=ri(20, 400))
                number = str(ri(15, 2800))
                issued_text = f"{issued.day:02d}/{issued.month:02d}/{issued.year}"
                self.fill(_C_DECISION, {
                    "number": (number, number),
                    "issued": (issued_text, issued_text.replace("/", " ")),
                    "place": (place.full, F[place.full]),
                }, raw, folded)
            else:
                self.fill(_C_PREFIX["complaint"][0], values, raw, folded)
        elif ptype == "denunciation":
            self.fill(_C_PREFIX["denunciation_head"][0], values, raw, folded)
            male = r() < 0.8
            name = self.person_name((70, 25, 5), male)
            title = "ông" if male else "bà"
            self.fill(ch(_C_ACCUSED), {"title": (title, F[title]), "name": (name, F[name]),
                                       "village": values["village"]}, raw, folded)
            self.fill(_C_PREFIX["denunciation_tail"][0], values, raw, folded)
        else:
            self.fill(ch(_C_PREFIX.get(ptype) or _C_PREFIX["reflection"]), values, raw, folded)
        self.fill(ch(_C_SUBJECTS.get(field_code) or _C_SUBJECTS["other"]), values, raw, folded)
        raw.append(".")
        if r() < 0.6:
            detail, fdetail = ch(_F_DETAILS)
            raw.append(" " + detail)
            folded.append(fdetail)
        text_, ftext = "".join(raw), " ".join(folded)
        return text_, self.checked("content", ftext, lambda: fold(text_))

    def body_for(self, unit: _Unit, field_code: str, forward: bool) -> str:
        """Where a petition is guided or forwarded to."""
        r = self.r
        p = unit.place
        if forward and unit.kind == "party" and r() < 0.7:
            return f"UBND {p.full}" if p.level != "province" else "UBND tỉnh Điện Biên"
        if p.level == "commune" and r() < 0.4:
            return f"UBND {p.district.full if p.district else 'huyện Điện Biên'}"
        return self.ch(_BODIES.get(field_code, _OTHER_BODIES))

    def make_sessions(self, unit: _Unit, w: _Writer, v: _Values, seeds: list[_Seed],
                      notices: list[tuple]) -> None:
        r = self.r
        area = self.area(unit)
        recorder = unit.clerk
        petition_p = 0.5 if self.province else 0.15
        for d, kind, who, mode in self.session_days(unit):
            sid = self.uid()
            begin = (7 * 60 + 30) if r() < 0.6 else (13 * 60 + 30)
            end_ = begin + (self.ch((180, 210, 240)) if kind != "dialogue" else 150)
            place = self.ch(area)
            if mode == "online":
                where = f"Điểm cầu trực tuyến {unit.short}"
            elif kind == "dialogue":
                village = self.ch(place.villages)
                where = f"Nhà văn hóa {village[0].lower()}{village[1:]}, {place.full}"
            elif unit.kind == "party":
                where = f"Trụ sở {unit.name}"
            else:
                where = f"Phòng Tiếp công dân {unit.short}"
            ref = f"TCD {unit.number('session', d.year):03d}/{d.year}"
            note = ""
            if kind == "unscheduled":
                note = self.ch(("Tiếp công dân đột xuất do vụ việc đông người, phức tạp",
                                "Tiếp công dân đột xuất theo đề nghị của công dân",
                                "Tiếp công dân đột xuất về vụ việc kéo dài"))
            stamp = v.ts(d, end_)
            w.add("reception_sessions", (
                sid, stamp, stamp, 1, unit.id, ref, v.d(d), v.t(begin), v.t(end_), where, kind,
                mode, who.id, who.name, recorder.id, note, False,
                session_search_text(ref, where, who.name, note),
            ))
            delegation_p = {"dialogue": 0.9, "unscheduled": 0.45}.get(kind, 0.03)
            for seq in range(1, self.visits_count(unit, kind) + 1):
                delegation = r() < delegation_p or (kind == "dialogue" and seq == 1)
                self.make_visit(unit, sid, seq, d, place, delegation, petition_p, w, v, seeds)
            if kind == "dialogue" or (kind == "unscheduled" and r() < 0.4):
                notices.append((d, sid, who, f"buổi tiếp công dân ngày {d:%d/%m/%Y}"))

    def make_visit(self, unit: _Unit, sid: str, seq: int, d: date, place: _Place,
                   delegation: bool, petition_p: float, w: _Writer, v: _Values,
                   seeds: list[_Seed]) -> None:
        r = self.r
        vid = self.uid()
        ptype = self.w_type[unit.kind](r())
        field_code = self.w_field(r())
        content, folded = self.content(ptype, field_code, place, d)
        if delegation:
            head_count = self.ri(5, 40)
            reps = list({p.id: p for p in (self.someone(place)
                                           for _i in range(self.ri(2, 4)))}.values())
            representatives = ", ".join(("Ông " if p.male else "Bà ") + p.name for p in reps)
            reps_folded = " ".join(("ong " if p.male else "ba ") + p.key for p in reps)
            attendees = [(p, True) for p in reps]
            note = f"Đoàn đông người ({head_count} người)"
        else:
            head_count = 1
            citizen = self.someone(place)
            reps = [citizen]
            representatives = reps_folded = note = ""
            attendees = [(citizen, False)]
            if r() < 0.08:
                other = self.someone(place)
                if other.id != citizen.id:
                    attendees.append((other, False))
                    head_count = 2
        makes_petition = r() < (0.8 if delegation else petition_p)
        handling = (_W_VISIT_PETITION if makes_petition else _W_VISIT_ONLY)(r())
        if handling == "accept":
            direction = (f"Tiếp nhận đơn, giao {unit.officer.position} kiểm tra, xác minh, "
                         "báo cáo kết quả trong thời hạn luật định.")
        elif handling == "guide":
            direction = (f"Hướng dẫn công dân gửi đơn đến {self.body_for(unit, field_code, False)}"
                         " để được giải quyết theo thẩm quyền.")
        elif handling == "forward":
            direction = (f"Tiếp nhận đơn, chuyển đến {self.body_for(unit, field_code, True)} "
                         "xem xét, giải quyết theo thẩm quyền.")
        else:
            direction = ("Giải thích, hướng dẫn công dân về chính sách, pháp luật có liên quan; "
                         "công dân đồng ý với ý kiến trả lời.")
        follow_up = ""
        if handling in ("accept", "forward") and (self.today - d).days > 45:
            follow_up = self.ch(("Đã có văn bản trả lời công dân", "",
                                 "Đã giải quyết, công dân nhất trí"))
        previously = ""
        if r() < 0.25:
            village = self.ch(place.villages)
            previously = self.ch(_PREVIOUSLY).format(village=village[0].lower() + village[1:])
        names = [p.name for p, _r in attendees]
        fast = " ".join(x for x in (*(p.key for p, _r in attendees), reps_folded, folded) if x)
        search = self.checked("visit", fast,
                              lambda: visit_search_text(content, names, representatives))
        stamp = v.ts(d, self.minute(8 * 60, 17 * 60))
        w.add("visits", (
            vid, stamp, stamp, 1, unit.id, sid, seq, v.d(d), reps[0].id, head_count, delegation,
            representatives, content, field_code, ptype, previously, handling, direction,
            follow_up, note, search, False,
        ))
        for i, (person, rep) in enumerate(attendees, start=1):
            w.add("visit_attendees", (self.uid(), stamp, stamp, 1, unit.id, vid, person.id, i,
                                      rep))
        if makes_petition:
            seeds.append(_Seed(
                received=d, ptype=ptype, field_code=field_code, source=self.reception_source,
                content=content, folded=folded, people=reps, signers=head_count, visit_id=vid,
                is_delegation=delegation,
                handling=handling if handling in ("accept", "forward", "guide") else None,
            ))

    # --- petitions -----------------------------------------------------------------

    def other_seeds(self, unit: _Unit, seeds: list[_Seed]) -> None:
        """Petitions that came by post, forwarded by other bodies, the mailbox or online."""
        r, ri, ch, cal = self.r, self.ri, self.ch, self.cal
        if self.province:
            rate = {("province", "state"): 7200, ("province", "party"): 2700,
                    ("district", "state"): 1950, ("district", "party"): 620,
                    ("commune", "state"): 400, ("commune", "party"): 125}
        else:
            rate = {("commune", "state"): 30, ("commune", "party"): 10}
        span = (unit.active_to - self.start).days
        count = int(rate.get((unit.level, unit.kind), 10) * max(span, 0) / 365.25
                    * (0.9 + 0.2 * r()))
        area = self.area(unit)
        w_type = self.w_type[unit.kind]
        for _i in range(count):
            d = self.start + timedelta(days=ri(0, span))
            if not cal.is_working_day(d):
                d = min(cal.next_working_day(d), unit.active_to)
            source = ch(self.other_sources)
            ptype = w_type(r())
            field_code = self.w_field(r())
            place = ch(area)
            content, folded = self.content(ptype, field_code, place, d)
            anonymous = (ptype == "denunciation" and r() < 0.2) or r() < 0.01
            people: list[_Person] = []
            signers = 1
            if not anonymous:
                x = r()
                if x < 0.9:
                    people = [self.someone(place)]
                else:
                    people = list({p.id: p for p in (self.someone(place)
                                                     for _j in range(ri(2, 4)))}.values())
                    signers = len(people) if x < 0.95 else ri(5, 60)
            seeds.append(_Seed(
                received=d, ptype=ptype, field_code=field_code, source=source, content=content,
                folded=folded, people=people, signers=max(signers, len(people), 1),
                anonymous=anonymous,
                forwarded_from=ch(_FORWARDERS) if source == "forwarded" else "",
            ))

    def handling_for(self, unit: _Unit, seed: _Seed, plan: _Plan) -> str:
        """How the unit handles the petition; never an acceptance the law refuses it (a
        Party committee forwards a complaint: ``rules.competence``)."""
        handling = self._handling_for(unit, seed, plan)
        if handling == "accept" and competence.refusal("accept", competence.PetitionCase(
                seed.ptype, unit.kind, bool(seed.anonymous))):
            return "forward"
        return handling

    def _handling_for(self, unit: _Unit, seed: _Seed, plan: _Plan) -> str:
        r = self.r
        if not plan.eligible:
            return _W_INELIGIBLE(r())
        if not plan.within:
            return _W_OUTSIDE(r())
        if seed.handling is not None and r() < 0.85:
            return seed.handling
        if unit.kind == "party":
            return _W_PARTY(r())
        if seed.ptype in ("complaint", "denunciation"):
            return _W_STATE_CD(r())
        return _W_STATE(r())

    def resolve_limit(self, unit: _Unit, ptype: str, round_: int, complexity: int,
                      accepted: date) -> tuple[str | None, int]:
        """The resolution deadline's key and length in days (None: no legal limit)."""
        if ptype == "complaint":
            key = COMPLAINT_RESOLVE_SECOND if round_ >= 2 else COMPLAINT_RESOLVE_FIRST
        elif ptype == "denunciation":
            key = DENUNCIATION_RESOLVE
        else:
            return None, 30
        rule = self.book.select(key, accepted)
        if rule is None:
            return None, 30
        return key, rule_days(rule, complex=complexity > 0, remote=unit.place.remote)

    def result_for(self, ptype: str) -> str:
        x = self.r()
        if ptype == "complaint":
            return _W_COMPLAINT(x)
        if ptype == "denunciation":
            return _W_DENUNCIATION(x)
        if ptype == "mixed" and self.r() < 0.5:
            return _W_MIXED_D(x)
        return _W_ANSWER(x)

    def random_plan(self, unit: _Unit, seed: _Seed, duplicate: bool, round_: int) -> _Plan:
        r, ri, cal = self.r, self.ri, self.cal
        plan = _Plan()
        plan.eligible = not seed.anonymous and r() > 0.05
        plan.beyond = r() < {"province": 0.25, "district": 0.12}.get(unit.level, 0.03)
        plan.within = not plan.beyond and r() > 0.08
        plan.complexity = _W_COMPLEXITY(r())
        x = r()
        if x < 0.4:
            k = ri(0, 2)
        elif x < 0.75:
            k = ri(3, 6)
        elif x < 0.9:
            k = ri(7, 9)
        elif x < 0.97:
            k = ri(10, 15)
        else:
            k = ri(16, 45)  # stuck: overdue while still open
        received = seed.received
        plan.classify = cal.add_working_days(received, k)
        plan.handling = "archive" if duplicate else self.handling_for(unit, seed, plan)
        plan.handle = cal.add_working_days(plan.classify, self.ch((0, 0, 1, 1, 2, 3, 5)))
        if seed.ptype == "denunciation" and r() < 0.6 and \
                cal.working_days_between(received, plan.handle) > 7:
            plan.accept_extension = cal.add_working_days(received, 5)
        if plan.handling == "accept":
            accepted = plan.handle
            plan.start = cal.next_working_day(accepted + timedelta(days=ri(0, 6)))
            key, days = self.resolve_limit(unit, seed.ptype, round_, plan.complexity, accepted)
            extensions = 0
            if key == DENUNCIATION_RESOLVE and plan.complexity and r() < 0.7:
                extensions = ri(1, plan.complexity)
            total = days + 30 * extensions
            x = r()
            if key is None:
                duration = ri(10, 60)
            elif x < 0.72:
                duration = int(total * (0.35 + 0.62 * r()))
            elif x < 0.93:
                duration = int(total * (1.0 + 0.4 * r()))
            else:
                duration = int(total * (1.5 + 1.5 * r()))
            resolve = max(cal.next_working_day(accepted + timedelta(days=duration)), plan.start)
            plan.resolve = resolve
            for i in range(extensions):
                decided = accepted + timedelta(days=30 * i + ri(20, 28))
                if decided <= resolve:
                    plan.resolve_extensions.append(decided)
            span = (resolve - plan.start).days
            if seed.ptype in ("complaint", "mixed") and span >= 6:
                plan.notes.append((plan.start + timedelta(days=span // 2),
                                   "Tổ chức đối thoại với người khiếu nại"))
            elif span >= 4 and r() < 0.2:
                plan.notes.append((plan.start + timedelta(days=ri(1, span - 1)),
                                   self.ch(_NOTE_EXTRA)))
            plan.result = self.result_for(seed.ptype)
            if r() < 0.85:
                plan.close = resolve + timedelta(days=ri(2, 30))
        else:
            if plan.handling in ("guide", "forward", "urge"):
                plan.handled_to = self.body_for(unit, seed.field_code, plan.handling != "guide")
            last = plan.handle
            if plan.handling == "forward" and r() < 0.2:
                plan.urge = last = plan.handle + timedelta(days=ri(15, 45))
            if r() < _CLOSE_P[plan.handling]:
                plan.close = last + timedelta(days=ri(1, 60))
        return plan

    def truncate(self, plan: _Plan, until: date, clamp: bool) -> None:
        """Drop the steps after ``until`` (a dissolved unit finishes them on its last day)."""
        steps = ("classify", "handle", "start", "resolve")
        cut = False
        for name in steps:
            d = getattr(plan, name)
            if d is not None and (cut or d > until):
                if clamp and not cut:
                    setattr(plan, name, until)
                else:
                    cut = True
                    setattr(plan, name, None)
        if plan.handle is None:
            plan.handling = None
            plan.handled_to = ""
        if plan.resolve is None:
            plan.result = None
        if plan.urge is not None and (plan.urge > until or plan.handle is None):
            plan.urge = None
        finished = plan.resolve if plan.handling == "accept" else plan.handle
        if plan.close is not None and (plan.close > until or finished is None):
            plan.close = None
        ext = plan.accept_extension
        if ext is not None and (ext > until or (plan.handle is not None and ext > plan.handle)):
            plan.accept_extension = None
        limit = min(plan.resolve or until, until)
        if plan.start is None and plan.handle is None:
            plan.resolve_extensions = []
        plan.resolve_extensions = [d for d in plan.resolve_extensions if d <= limit]
        plan.notes = [(d, n) for d, n in plan.notes if plan.start is not None and d <= limit]

    def make_petitions(self, unit: _Unit, seeds: list[_Seed], w: _Writer, v: _Values) -> None:
        r = self.r
        for i, s in enumerate(seeds):
            s.order = i
        seeds.sort(key=lambda s: (s.received, s.order))
        history: dict[str, _History] = {}
        clamp, until = unit.dissolved, unit.active_to
        second_round = unit.level != "commune" and unit.kind == "state"
        for seed in seeds:
            pid = self.uid()
            year = seed.received.year
            n = unit.number("petition", year)
            ref = f"{n:04d}/{year}/{unit.abbrev}"
            ref_key = f"{n:04d} {year} {unit.abbrev_key}"
            duplicate_of: str | None = None
            link_note = ""
            long_running = False
            key_person = seed.people[0].id if seed.people else None
            last = history.get(key_person) if key_person else None
            if last is not None and seed.plan is None:
                if last.finished is not None and last.finished < seed.received and r() < 0.5:
                    long_running = True
                    seed.field_code, seed.ptype = last.field_code, last.ptype
                    seed.content = "Tiếp tục " + last.content[0].lower() + last.content[1:]
                    seed.folded = "tiep tuc " + last.folded
                    link_note = (f"Đơn kéo dài: vụ việc đã được giải quyết tại đơn số "
                                 f"{last.ref}, nay công dân tiếp tục gửi đơn")
                elif (seed.received - last.received).days <= 90 and r() < 0.35:
                    duplicate_of = last.original_id
                    seed.field_code, seed.ptype = last.field_code, last.ptype
                    seed.content, seed.folded = last.content, last.folded
                    link_note = f"Trùng nội dung với đơn số {last.ref}"
            round_ = 2 if (second_round and seed.ptype == "complaint" and r() < 0.25) else 1
            plan = seed.plan or self.random_plan(unit, seed, duplicate_of is not None, round_)
            self.truncate(plan, until, clamp)
            status = self.emit_petition(unit, seed, plan, pid, ref, ref_key, round_,
                                        duplicate_of, long_running, link_note, w, v)
            if key_person is not None:
                history[key_person] = _History(
                    pid, ref, seed.received, seed.ptype, seed.field_code, seed.content,
                    seed.folded, duplicate_of or pid,
                    plan.resolve if status in ("resolved", "closed") else None,
                )

    def emit_petition(self, unit: _Unit, seed: _Seed, plan: _Plan, pid: str, ref: str,
                      ref_key: str, round_: int, duplicate_of: str | None, long_running: bool,
                      link_note: str, w: _Writer, v: _Values) -> str:
        r = self.r
        clerk, head, officer = unit.clerk.id, unit.head.id, unit.officer
        received = seed.received
        # (date, order on the same day, kind, from, to, official id, note)
        events: list[tuple] = []
        note = _SOURCE_NOTES.get(seed.source) or (
            f"Tiếp nhận đơn do {seed.forwarded_from or 'cơ quan khác'} chuyển đến")
        events.append((received, 0, "transition", None, "received", clerk, note))
        status = "received"
        if link_note:
            events.append((received, 1, "link", None, None, clerk, link_note))
        extensions: list[tuple[str, date, int, str]] = []
        if plan.accept_extension is not None:
            extensions.append((DENUNCIATION_ACCEPT, plan.accept_extension, 3,
                               "Cần thêm thời gian xác minh thông tin người tố cáo"))
        if plan.classify is not None:
            if duplicate_of:
                note = "Đơn trùng nội dung, đã được xem xét"
            elif not plan.eligible:
                note = "Đơn không đủ điều kiện xử lý"
            elif not plan.within:
                note = ("Đơn gửi vượt cấp, không thuộc thẩm quyền" if plan.beyond
                        else "Đơn không thuộc thẩm quyền giải quyết")
            else:
                note = "Đơn đủ điều kiện xử lý, thuộc thẩm quyền"
            events.append((plan.classify, 2, "transition", "received", "classified", clerk,
                           note))
            status = "classified"
        handling = plan.handling if plan.handle is not None else None
        if handling is not None:
            target = _HANDLED_STATUS[handling]
            if handling == "guide":
                note = f"Hướng dẫn công dân gửi đơn đến {plan.handled_to}"
            elif handling == "forward":
                note = f"Chuyển đơn đến {plan.handled_to}"
            elif handling == "urge":
                note = f"Đôn đốc {plan.handled_to} giải quyết"
            else:
                note = _HANDLING_NOTE[handling] + (" (đơn trùng)" if duplicate_of else "")
            events.append((plan.handle, 4, "transition", "classified", target, head, note))
            status = target
        notified = handling == "accept" and seed.ptype == "denunciation"
        if notified:  # the parties told of the acceptance the same day (Luật Tố cáo, Điều 29)
            events.append((plan.handle, 5, "notice", None, None, head,
                           "Thông báo việc thụ lý cho người tố cáo và người bị tố cáo"))
        if plan.urge is not None:
            events.append((plan.urge, 5, "transition", "forwarded", "forwarded", head,
                           f"Đôn đốc {plan.handled_to} giải quyết"))
        if plan.start is not None:
            events.append((plan.start, 6, "transition", "accepted", "in_resolution", head,
                           f"Giao {officer.position} xác minh, đề xuất giải quyết"))
            status = "in_resolution"
        for decided in plan.resolve_extensions:
            extensions.append((DENUNCIATION_RESOLVE, decided, 30,
                               "Vụ việc phức tạp, cần thêm thời gian xác minh"))
        for day, text_ in plan.notes:
            events.append((day, 7, "note", None, None, officer.id, text_))
        decision_number = ""
        result = None
        if plan.resolve is not None:
            result = plan.result or "withdrawn"
            note = ("Công dân rút đơn; đình chỉ giải quyết" if result == "withdrawn"
                    else "Đã có kết quả giải quyết, thông báo cho công dân")
            events.append((plan.resolve, 8, "transition", "in_resolution", "resolved", head,
                           note))
            status = "resolved"
            n = unit.number("decision", plan.resolve.year)
            party = unit.kind == "party"
            if seed.ptype in ("complaint", "denunciation", "mixed"):
                decision_number = f"{n}-QĐ/{unit.abbrev}" if party else f"{n}/QĐ-UBND"
            else:
                decision_number = f"{n}-CV/{unit.abbrev}" if party else f"{n}/UBND-VP"
        if plan.close is not None:
            events.append((plan.close, 9, "transition", status, "closed", clerk,
                           "Kết thúc xử lý, lưu hồ sơ"))
            status = "closed"
        ts, d, uid, add = v.ts, v.d, self.uid, w.add
        for key, decided, days, reason in extensions:
            n = unit.number("extension", decided.year)
            number = f"{n}/QĐ-UBND" if unit.kind == "state" else f"{n}-QĐ/{unit.abbrev}"
            order = 3 if key == DENUNCIATION_ACCEPT else 7
            events.append((decided, order, "extension", None, None, head,
                           f"Gia hạn {days} ngày: {reason}"))
            stamp = ts(decided, self.minute())
            add("deadline_extensions", (uid(), stamp, stamp, 1, unit.id, pid, key, d(decided),
                                        days, reason, number, head))
        if len(events) > 1:
            events.sort(key=_event_order)
        created = stamp = ""
        prev_day, minute = None, 0
        unit_id = unit.id
        out = w.rows("petition_events")
        for seq, (day, _o, kind, from_s, to_s, official, note) in enumerate(events, start=1):
            if day == prev_day:
                minute = min(minute + 1 + int(r() * 40), 24 * 60 - 1)
            else:
                minute = 450 + int(r() * 570)  # 7:30 to 17:00
                prev_day = day
            stamp = ts(day, minute)
            if seq == 1:
                created = stamp
            out.append((uid(), stamp, stamp, 1, unit_id, pid, seq, kind, d(day), from_s, to_s,
                        official, note, stamp))
        # The petitioners as written on the petition (a snapshot of the citizens).
        if seed.people:
            out = w.rows("petitioners")
            for seq, p in enumerate(seed.people, start=1):
                out.append((uid(), created, created, 1, unit_id, pid, p.id, seq, p.name,
                            p.id_number, p.address, p.phone, p.key))
        classified = plan.classify is not None
        accepted = handling == "accept"
        due_date = due_key = None
        if status in _OPEN:
            facts = PetitionFacts(
                petition_type=seed.ptype, status=status, received_date=received,
                accepted_date=plan.handle if accepted else None, complaint_round=round_,
                complex=classified and plan.complexity > 0, remote_area=unit.place.remote,
                party_unit=unit.kind == "party", anonymous=bool(seed.anonymous),
                notified=notified,
                extensions=tuple(Extension(k, n, dd, rs) for k, dd, n, rs in extensions),
            )
            first = next_due(facts, self.book, self.cal)
            if first is not None:
                due_date, due_key = first.due, first.key
        handling_date = plan.handle
        if plan.urge is not None:
            handling, handling_date = "urge", plan.urge
        denunciation = seed.ptype == "denunciation"
        if denunciation:
            fast = " ".join(x for x in (ref_key, seed.folded) if x)
        else:
            fast = " ".join(x for x in (ref_key, *(p.pet_part for p in seed.people),
                                        seed.folded) if x)
        search = self.checked("petition", fast, lambda: petition_search_text(
            ref, seed.content, [(p.name, p.id_number, p.address) for p in seed.people],
            denunciation=denunciation))
        assigned = (officer.id if r() < 0.7 else head) if accepted else None
        add("petitions", (
            pid, created, stamp, 1, unit.id, ref, d(received), seed.source, seed.ptype,
            seed.field_code, seed.content, seed.visit_id, seed.forwarded_from, seed.signers,
            plan.eligible if classified else None, plan.within if classified else None,
            seed.anonymous, False, duplicate_of, seed.signers >= 5,
            classified and plan.beyond,
            long_running, seed.is_delegation, plan.complexity if classified else 0, round_,
            status, handling, d(handling_date), plan.handled_to,
            d(plan.handle) if accepted else None, assigned, result, d(plan.resolve),
            decision_number, d(plan.resolve), d(plan.close), d(due_date), due_key, search,
        ))
        return status

    # --- showcase: every status, due soon and overdue, near today ----------------------

    def showcase(self, unit: _Unit) -> list[_Seed]:
        """Recent petitions that make sure every status and every warning is present."""
        cal, today = self.cal, self.today
        place = self.area(unit)[0]
        fields = self.field_codes
        seeds: list[_Seed] = []
        wd = cal.add_working_days

        def back(days: int) -> date:
            d = today - timedelta(days=days)
            while not cal.is_working_day(d):
                d -= timedelta(days=1)
            return d

        def soon(ptype: str) -> date:
            """A receipt date whose first deadline falls within the coming week."""
            for days in range(1, 40):
                received = back(days)
                facts = PetitionFacts(ptype, "received", received, None, 1, False,
                                      unit.place.remote, unit.kind == "party")
                first = next_due(facts, self.book, cal)
                if first is not None and today < first.due <= today + timedelta(days=6):
                    return received
            return back(5)

        def add(ptype: str, received: date, plan: _Plan, anonymous: bool = False,
                source: str = "post") -> None:
            field_code = fields[len(seeds) % len(fields)]
            content, folded = self.content(ptype, field_code, place, received)
            seeds.append(_Seed(
                received=received, ptype=ptype, field_code=field_code,
                source=source if source in self.sources else self.sources[0],
                content=content, folded=folded,
                people=[] if anonymous else [self.someone(place)], anonymous=anonymous,
                plan=plan,
            ))

        # Received: due within the week; overdue.
        add("complaint", soon("complaint"), _Plan())
        add("reflection", back(35), _Plan())
        # Classified: overdue; due within the week.
        r = back(40)
        add("denunciation", r, _Plan(classify=wd(r, 3)))
        r = soon("recommendation")
        add("recommendation", r, _Plan(classify=r))
        # What this body accepts and resolves itself: a Party committee does not resolve
        # complaints (``rules.competence``), it resolves denunciations under Party rules.
        cd = "denunciation" if unit.kind == "party" else "complaint"
        # Accepted, overdue.
        r = back(80)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=wd(r, 4)))
        # In resolution, due within the week.
        _key, days = self.resolve_limit(unit, cd, 1, 0, today)
        accepted = today + timedelta(days=4 - days)
        while not cal.is_working_day(accepted):
            accepted -= timedelta(days=1)
        r = wd(accepted, -4)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=accepted,
                         start=wd(accepted, 1)))
        # In resolution, extended once and still overdue.
        r = back(95)
        a = wd(r, 5)
        add("denunciation", r, _Plan(classify=wd(r, 3), handling="accept", handle=a,
                                     start=wd(a, 2), complexity=1,
                                     resolve_extensions=[a + timedelta(days=25)]))
        # Resolved; guided; forwarded then urged; archived; returned; closed.
        r = back(70)
        a = wd(r, 3)
        add(cd, r, _Plan(classify=wd(r, 2), handling="accept", handle=a, start=wd(a, 2),
                         resolve=back(8), result="partly_" + (
                             "founded" if cd == "denunciation" else "correct")))
        r = back(20)
        add("recommendation", r, _Plan(classify=wd(r, 2), handling="guide", handle=wd(r, 3),
                                       handled_to=self.body_for(unit, "land", False)))
        r = back(60)
        add("reflection", r, _Plan(classify=wd(r, 1), handling="forward", handle=wd(r, 2),
                                   handled_to=self.body_for(unit, "other", True),
                                   urge=wd(r, 20)))
        r = back(15)
        add("denunciation", r, _Plan(classify=wd(r, 1), handling="archive", handle=wd(r, 2),
                                     eligible=False), anonymous=True, source="mailbox")
        r = back(25)
        add("recommendation", r, _Plan(classify=wd(r, 2), handling="return", handle=wd(r, 3),
                                       within=False))
        r = back(130)
        a = wd(r, 4)
        # (a mixed petition is split before acceptance, never accepted as one)
        add("denunciation", r, _Plan(classify=wd(r, 2), handling="accept", handle=a,
                                     start=wd(a, 1), resolve=wd(a, 30), result="founded",
                                     close=back(30)))
        return [s for s in seeds if s.received >= self.start]

    # --- meetings, notices and inspections ---------------------------------------------

    def make_work(self, unit: _Unit, w: _Writer, v: _Values,
                  session_notices: list[tuple]) -> None:
        r, ri = self.r, self.ri
        head = unit.head
        start, end = self.start, unit.active_to
        villages = [x[0].lower() + x[1:] for x in unit.place.villages]
        if unit.subordinates:
            subs = unit.subordinates
        elif unit.kind == "party":
            subs = [f"Chi bộ {x}" for x in villages]
        else:
            subs = [f"Tổ hòa giải {x}" for x in villages] + [
                f"Công an {unit.place.full}", f"Bộ phận Một cửa {unit.short}"]
        meetings: list[tuple[date, str]] = []
        for year in range(start.year, end.year + 1):
            if unit.kind == "party":
                for q in range(1, 5):
                    meetings.append((self.workday(date(year, 3 * q, 1), date(year, 3 * q, 25)),
                                     "regular"))
                for _i in range(ri(1, 3)):
                    meetings.append((self.workday(date(year, 1, 15), date(year, 12, 20)),
                                     "unscheduled"))
            else:
                for month in (6, 12):
                    meetings.append((self.workday(date(year, month, 1), date(year, month, 25)),
                                     "regular"))
                if r() < 0.6:
                    meetings.append((self.workday(date(year, 1, 15), date(year, 12, 20)),
                                     "unscheduled"))
        meetings = sorted(m for m in meetings if start <= m[0] <= end)
        where = (f"Hội trường {unit.name}" if unit.kind == "party"
                 else f"Phòng họp {unit.short}")
        for d, kind in meetings:
            mid = self.uid()
            year = d.year
            ref = f"BLV {unit.number('meeting', year):02d}/{year}"
            if kind == "regular":
                content = (f"Giao ban công tác tiếp công dân, giải quyết khiếu nại, tố cáo "
                           f"quý {(d.month - 1) // 3 + 1}/{year}")
                participants = ("Thường trực cấp ủy; người đứng đầu các cơ quan, đơn vị; "
                                + "; ".join(self.rnd.sample(subs, min(3, len(subs)))))
            else:
                sub = self.ch(subs)
                content = (f"Làm việc với {sub} về vụ việc khiếu nại đông người liên quan dự án "
                           f"{self.ch(_PROJECTS)}")
                participants = f"{sub}; các cơ quan chuyên môn có liên quan"
            conclusions = " ".join(f"{i}. {c}" for i, c in
                                   enumerate(self.rnd.sample(_CONCLUSIONS, 3), start=1))
            stamp = v.ts(d, self.minute(8 * 60, 11 * 60))
            w.add("working_meetings", (
                mid, stamp, stamp, 1, unit.id, ref, v.d(d), kind, head.id, head.name, where,
                participants, content, conclusions, False,
            ))
            issued = min(self.cal.add_working_days(d, ri(1, 5)), self.today)
            self.notice(unit, issued, mid, None, head, f"buổi làm việc ngày {d:%d/%m/%Y}",
                        conclusions, w, v)
        for d, sid, who, what in session_notices:
            issued = min(self.cal.add_working_days(d, ri(1, 4)), self.today)
            conclusions = " ".join(f"{i}. {c}" for i, c in
                                   enumerate(self.rnd.sample(_CONCLUSIONS, 2), start=1))
            self.notice(unit, issued, None, sid, who, what, conclusions, w, v)
        # Inspections and supervisions, by which body.
        for year in range(start.year, end.year + 1):
            if unit.kind == "party":
                plan = [("inspection_committee", "inspection"),
                        ("standing_committee", "supervision")]
                if r() < 0.4:
                    plan.append(("executive_committee", "inspection"))
            else:
                plan = [("peoples_committee", "inspection")]
                if unit.level != "commune":
                    plan.append(("inspectorate", "inspection"))
                if r() < 0.3:
                    plan.append(("other", "supervision"))
            for body, kind in plan:
                d = self.workday(date(year, 2, 15), date(year, 11, 30))
                if not (start <= d <= end):
                    continue
                orgs = self.rnd.sample(subs, min(len(subs), ri(2, 5)))
                members = [self.person_name((60, 35, 5), r() < 0.7) for _i in range(ri(0, 4))]
                violations = r() < 0.15
                prefix = "KT" if kind == "inspection" else "GS"
                ref = f"{prefix} {unit.number(prefix, year):02d}/{year}"
                content = (
                    "Kiểm tra việc thực hiện Quy định 11-QĐi/TW và Luật Tiếp công dân"
                    if kind == "inspection" else
                    "Giám sát việc tiếp công dân, xử lý đơn thư, giải quyết khiếu nại, tố cáo"
                ) + f" năm {year}"
                findings = self.ch(_FINDINGS_BAD) if violations else _FINDINGS_OK
                conclusions = ("Yêu cầu khắc phục các tồn tại, báo cáo kết quả trong 30 ngày."
                               if violations else "Tiếp tục phát huy, thực hiện nghiêm quy định.")
                stamp = v.ts(d, self.minute(8 * 60, 16 * 60))
                w.add("inspections", (
                    self.uid(), stamp, stamp, 1, unit.id, ref, v.d(d), body, kind,
                    "; ".join(orgs), len(orgs), "; ".join(f"Đồng chí {m}" for m in members),
                    len(members), content, findings, violations, conclusions,
                ))

    def notice(self, unit: _Unit, issued: date, meeting_id: str | None, session_id: str | None,
               who: _Off, what: str, conclusions: str, w: _Writer, v: _Values) -> None:
        n = unit.number("notice", issued.year)
        # numbered from 01 each year, a leading zero below 10 (Decree 30/2020/NĐ-CP art. 15)
        number = document_symbol(unit.kind, unit.name, "TB", f"{n:02d}")
        content = (f"Thông báo kết luận của đồng chí {who.name}, {who.position} tại {what}: "
                   f"{conclusions}")
        stamp = v.ts(issued, self.minute(8 * 60, 16 * 60))
        w.add("concluding_notices", (
            self.uid(), stamp, stamp, 1, unit.id, number, v.d(issued), meeting_id, session_id,
            content, who.id,
        ))

    # --- the whole run ---------------------------------------------------------------

    def run(self, conn: Connection, w: _Writer, v: _Values) -> None:
        self.progress(_("Creating units and officials…"), 0.02)
        province = self.make_places()
        if self.province:
            prov_party = self.make_unit(province, "party", None, w, v, home=True)
            prov_state = self.make_unit(province, "state", prov_party, w, v)
            pairs: list[tuple[_Unit, _Unit]] = [(prov_party, prov_state)]
            for district in self.districts:
                d_party = self.make_unit(district, "party", prov_party, w, v,
                                         successor=prov_party)
                d_state = self.make_unit(district, "state", d_party, w, v,
                                         successor=prov_state)
                pairs.append((d_party, d_state))
                prov_party.subordinates.append(d_party.name)
                for commune in district.communes:
                    c_party = self.make_unit(commune, "party", d_party, w, v)
                    c_state = self.make_unit(commune, "state", c_party, w, v)
                    pairs.append((c_party, c_state))
                    d_party.subordinates.append(c_party.name)
                    d_state.subordinates.append(c_state.name)
                    prov_state.subordinates.append(c_state.name)
            main = prov_state
        else:
            commune = province.communes[0]
            c_party = self.make_unit(commune, "party", None, w, v, home=True)
            c_state = self.make_unit(commune, "state", c_party, w, v)
            pairs = [(c_party, c_state)]
            main = c_state
        # The first INSERT opens the transaction; the triggers are dropped inside it.
        w.flush("units")
        self.before_bulk(conn)

        self.progress(_("Creating citizens…"), 0.04)
        owners = {id(u.place): u for u in self.units if u.kind == "state"}
        for commune in province.communes:
            if commune.kind == "phường":
                mix = (72, 24, 4)
            elif commune.name == "Mường Phăng":
                mix = (22, 70, 8)
            elif commune.remote:
                mix = (15, 35, 50)
            else:
                mix = (40, 50, 10)
            count = int(3100 * (0.8 + 0.4 * self.r())) if self.province else 450
            if self.sample:
                count //= 10
            self.make_citizens(commune, count, owners[id(commune)], mix, w, v)
            w.flush_all()

        units = [u for pair in pairs for u in pair]
        for i, unit in enumerate(units):
            self.progress(_("Creating sessions, visits and petitions…"),
                          0.08 + 0.72 * i / len(units))
            seeds: list[_Seed] = []
            notices: list[tuple] = []
            self.make_sessions(unit, w, v, seeds, notices)
            self.other_seeds(unit, seeds)
            if unit is main:
                seeds.extend(self.showcase(unit))
            self.make_petitions(unit, seeds, w, v)
            self.make_work(unit, w, v, notices)
            w.flush_all()  # each unit's records are complete here

    # --- search index --------------------------------------------------------------

    def before_bulk(self, conn: Connection) -> None:
        """On SQLite, drop the index's INSERT triggers, keeping their SQL to restore them; on
        PostgreSQL, the trigram indexes of the search (kept up to date row by row they cost
        more than the rest of the load; built once at the end they cost seconds)."""
        if conn.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND right(indexname, 12) = '_search_trgm' ORDER BY indexname"
            ).all()
            for name, sql in rows:
                self.saved_indexes.append(sql)
                conn.exec_driver_sql(f"DROP INDEX {name}")
            return
        if conn.dialect.name != "sqlite":
            return
        names = ", ".join(f"'{n}'" for n in _INSERT_TRIGGERS)
        rows = conn.exec_driver_sql(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({names}) "
            "ORDER BY name"
        ).all()
        if len(rows) != len(_INSERT_TRIGGERS):
            return  # not the schema we know: keep the triggers and let them work
        for name, sql in rows:
            self.saved_triggers.append(sql)
            conn.exec_driver_sql(f"DROP TRIGGER {name}")

    def rebuild_search(self, conn: Connection) -> None:
        """Index every citizen, visit and petition set-wise, then restore the triggers (on
        PostgreSQL: build the trigram indexes again)."""
        for sql in self.saved_indexes:
            conn.exec_driver_sql(sql)
        if not self.saved_triggers:
            return
        base = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM search_index").scalar()
        base = int(base or 0)
        # Build without incremental merging, then merge once (faster, and a single
        # b-tree answers queries faster); then FTS5's default merging again.
        conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('automerge', 0)")
        for table, kind in _SEARCHED:
            top = conn.exec_driver_sql(f"SELECT coalesce(max(rowid), 0) FROM {table}").scalar()
            conn.exec_driver_sql(
                f"INSERT INTO search_index(rowid, body, kind, record_id, unit_id) "
                f"SELECT rowid + {base}, search_text, '{kind}', id, unit_id FROM {table}"
            )
            conn.exec_driver_sql(
                f"INSERT INTO search_rows(record_id, fts_rowid) "
                f"SELECT id, rowid + {base} FROM {table}"
            )
            base += int(top or 0)
        conn.exec_driver_sql("INSERT INTO search_index(search_index) VALUES ('optimize')")
        conn.exec_driver_sql("INSERT INTO search_index(search_index, rank) VALUES ('automerge', 4)")
        for sql in self.saved_triggers:
            conn.exec_driver_sql(sql)


_TABLE_ORDER = ("units", "officials", "citizens", "reception_sessions", "visits",
                "visit_attendees", "petitions", "petitioners", "petition_events",
                "deadline_extensions", "working_meetings", "concluding_notices", "inspections")


class _LoadPragmas:
    """SQLite settings for a bulk load, set on the driver connection outside any transaction.

    (SQLite refuses to change them inside one, and SQLAlchemy opens one with the first
    statement.) A rollback journal instead of WAL spares writing everything twice; no
    fsync; foreign keys unchecked (``PRAGMA foreign_key_check`` is clean afterwards);
    a 512 MB page cache. :meth:`restore` puts every setting back.
    """

    SETTINGS = (("foreign_keys", "OFF"), ("synchronous", "OFF"), ("cache_size", "-524288"),
                ("temp_store", "MEMORY"))

    def __init__(self, conn: Connection) -> None:
        self.raw = conn.connection.dbapi_connection
        self.saved: list[tuple[str, object]] = []
        self.was_wal = False
        if getattr(self.raw, "in_transaction", False):
            return  # cannot tune now; the load still works, only slower
        for name, value in self.SETTINGS:
            self.saved.append((name, self.get(name)))
            self.set(name, value)
        if str(self.get("journal_mode")).lower() == "wal":
            try:
                self.was_wal = str(self.set("journal_mode", "DELETE")).lower() == "delete"
            except Exception:  # noqa: BLE001 - another connection uses the file: keep WAL
                self.was_wal = False

    def get(self, name: str) -> object:
        return self.set(name, None)

    def set(self, name: str, value: object) -> object:
        cur = self.raw.cursor()
        try:
            cur.execute(f"PRAGMA {name}" + ("" if value is None else f" = {value}"))
            row = cur.fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    def restore(self) -> None:
        if getattr(self.raw, "in_transaction", False):
            return
        for name, value in self.saved:
            self.set(name, value)
        if self.was_wal:
            self.set("journal_mode", "WAL")


def generate_demo(
    db: Database,
    scale: str = "small",
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> DemoSummary:
    """Fill an empty, freshly migrated database with demo records (see the module's doc).

    ``progress(message, fraction)`` is called as the work advances. Raises
    ValueError for an unknown scale or a database that already holds units;
    nothing is written then, nor when anything fails midway (one transaction).
    """
    if scale not in (*DEMO_SCALES, SAMPLE_PROVINCE):
        raise ValueError(_("Unknown demo scale \u201c{scale}\u201d: use {choices}.").format(
            scale=scale, choices=", ".join(DEMO_SCALES)))
    began = _time.perf_counter()
    gen = _Demo(db, scale, seed, today or date.today(), progress)
    gen.progress(_("Preparing demo data…"), 0.0)
    gen.load_reference()
    sqlite = db.is_sqlite
    with db.engine.connect() as conn:
        tuned = _LoadPragmas(conn) if sqlite else None
        w = _Writer(conn, sqlite)
        try:
            for model, columns in _COLUMNS.items():
                w.register(model, columns)
            gen.run(conn, w, _Values(sqlite))
            gen.progress(_("Building the search index…"), 0.85)
            gen.rebuild_search(conn)
            gen.progress(_("Saving…"), 0.95)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if tuned is not None:
                tuned.restore()
    summary = DemoSummary(scale, seed, gen.today,
                          {t: w.counts.get(t, 0) for t in _TABLE_ORDER},
                          _time.perf_counter() - began)
    gen.progress(_("Demo data created."), 1.0)
    return summary
