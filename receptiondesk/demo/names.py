"""The Vietnamese names, places and phrases the demo draws from, with their weights,
pre-compiled into pieces whose folded forms are cached."""

from __future__ import annotations

from bisect import bisect_right
from string import Formatter

from ..text import fold


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
