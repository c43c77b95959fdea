"""Writes the log book and petitions files of the bulk-import comparison (run once; the
files and the expectation made from them by the per-row importer are kept beside it).

    python tests/data/import_golden/make_files.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).parent
START = date(2025, 6, 2)
FAMILY = ["Nguyễn", "Lò", "Quàng", "Vì", "Lường", "Cà", "Trần", "Lê"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh"]
GIVEN = ["An", "Bình", "Chung", "Dũng", "Hoa", "Khánh", "Lan", "Mai", "Nam", "Phương",
         "Quân", "Sơn", "Tâm", "Uyên", "Việt", "Xuân"]
PLACES = ["Bản Phăng", "Bản Co Khô", "Bản Mới", "Bản Công", "Bản Kéo"]
FIELDS = ["land", "compensation", "environment", "social_policy", "corruption", ""]
PRESIDING = ["Lò Văn Khoa", "Cà Văn Hải"]


def person(rng: random.Random, pool: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    if pool and rng.random() < 0.3:
        return rng.choice(pool)  # the same person again (reused, not created twice)
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    id_number = f"0110{rng.randrange(10**8):08d}" if rng.random() < 0.5 else ""
    p = (name, id_number, rng.choice(PLACES))
    pool.append(p)
    return p


def logbook(rng: random.Random, pool: list) -> None:
    header = ["session_ref", "date", "session_kind", "presiding_official", "citizen_name",
              "birth_year", "gender", "id_number", "address", "head_count", "content",
              "field_code", "petition_type", "previously_handled_by", "handling",
              "follow_up", "notes", "representatives"]
    rows = []
    for i in range(240):
        day = START + timedelta(days=i // 6)
        ref = f"S-{i // 6:03d}{'ab'[i % 2]}" if i % 3 else ""
        kind = rng.choice(["regular", "unscheduled", "routine"]) if ref else "regular"
        head = rng.choice([1, 1, 1, 2, 5, 8])
        name, id_number, address = person(rng, pool)
        roll = rng.random()
        if roll < 0.08:
            name, id_number, address = "***", "", ""
        elif roll < 0.12 and head >= 5:
            name, id_number, address = "", "", ""
        rows.append([
            ref, day.strftime("%d/%m/%Y"), kind, PRESIDING[i % 2] if not ref else
            rng.choice(PRESIDING), name,
            str(rng.randrange(1940, 2000)) if name not in ("", "***") and rng.random() < 0.6
            else "", rng.choice(["male", "female", ""]) if name not in ("", "***") else "",
            id_number, address, str(head), f"Nội dung buổi tiếp {i}: đề nghị giải quyết",
            rng.choice(FIELDS), rng.choice(["complaint", "denunciation", "recommendation",
                                            "reflection", ""]),
            rng.choice(["", "UBND xã"]), rng.choice(["accept", "guide", "forward", "none"]),
            rng.choice(["", "Hẹn 10 ngày"]), "",
            "Đại diện đoàn" if head >= 5 and not name else "",
        ])
    _write(HERE / "logbook.csv", header, rows)


STATUS_PLANS = [  # (handling, status, needs result)
    ("", "", False), ("", "received", False), ("accept", "accepted", False),
    ("accept", "in_resolution", False), ("accept", "resolved", True),
    ("accept", "closed", True), ("guide", "guided", False), ("forward", "forwarded", False),
    ("urge", "forwarded", False), ("archive", "archived", False),
    ("return", "returned", False), ("archive", "closed", False), ("guide", "closed", False),
]
RESULTS = {"complaint": ["correct", "incorrect", "partly_correct", "withdrawn"],
           "denunciation": ["founded", "unfounded", "partly_founded", "Đúng"],
           "recommendation": ["answered"], "reflection": ["answered"]}


def petitions(rng: random.Random, pool: list) -> None:
    header = ["ref", "received_date", "source", "type", "field_code", "petitioner_name",
              "id_number", "address", "phone", "signers", "content", "handling",
              "handling_date", "status", "result", "result_date", "handled_to",
              "decision_number"]
    rows = []
    for i in range(300):
        received = START + timedelta(days=i // 3)
        ptype = rng.choice(list(RESULTS))
        handling, status, resolved = rng.choice(STATUS_PLANS)
        handled = received + timedelta(days=rng.randrange(0, 10)) if handling else None
        result_date = handled + timedelta(days=rng.randrange(0, 40)) if resolved else None
        name, id_number, address = person(rng, pool)
        roll = rng.random()
        if roll < 0.08:
            name, id_number, address = "***", "", ""
        elif roll < 0.15:
            name, id_number, address = "", "", ""
        rows.append([
            f"{i + 1:03d}/2025" if i % 7 else "", received.strftime("%d/%m/%Y"),
            rng.choice(["reception", "post", "forwarded", "mailbox"]), ptype,
            rng.choice(FIELDS), name, id_number, address,
            rng.choice(["", "0912345678"]) if name not in ("", "***") else "",
            str(rng.choice([1, 1, 2, 5, 12])), f"Nội dung đơn số {i}: đề nghị xem xét",
            handling, handled.strftime("%d/%m/%Y") if handled else "", status,
            rng.choice(RESULTS[ptype]) if resolved else "",
            result_date.strftime("%d/%m/%Y") if result_date else "",
            rng.choice(["", "UBND huyện"]) if handling in ("guide", "forward", "urge") else "",
            f"QĐ {i}" if resolved and rng.random() < 0.5 else "",
        ])
    _write(HERE / "petitions.csv", header, rows)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    rng = random.Random(18)
    pool: list = []
    logbook(rng, pool)
    petitions(rng, pool)
