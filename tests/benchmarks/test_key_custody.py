"""What the key custody costs a sign-in: one Argon2id derivation at the parameters of
``services.key_custody`` (RFC 9106 §4, second recommended option: t=3, p=4, m=64 MiB),
and a whole sign-in of a cleared account that holds its keys (the password's own
Argon2id check, the key derivation, opening its grants). Needs no demo database.

    .venv/bin/python -m pytest tests/benchmarks/test_key_custody.py --benchmark-only \\
        -p no:cacheprovider
"""

from __future__ import annotations

import os

from receptiondesk.services import accounts, key_custody, sealing
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    OFFICE_HEAD,
    UserInput,
    acting_as,
    create_user,
)
from receptiondesk.services.database import open_database


def test_argon2id_derivation(benchmark):
    kdf, wrapped = key_custody.wrap(os.urandom(32), "mat-khau-dai-1", "h")
    opened = benchmark.pedantic(key_custody.unwrap, args=(kdf, wrapped, "mat-khau-dai-1", "h"),
                                rounds=5, warmup_rounds=1)
    assert opened is not None


def test_cleared_sign_in(benchmark, tmp_path):
    db = open_database(tmp_path / "b.db")
    try:
        with db.session() as s:
            admin = create_user(s, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                                "quan-tri-1", must_change_password=False)
            with acting_as(admin):
                create_user(s, UserInput("truong", "Trưởng", OFFICE_HEAD), "truong-ban-1",
                            must_change_password=False)
        accounts.sign_in_with_password(db, "truong", "truong-ban-1")  # makes the keys

        def sign_in():
            accounts.sign_in_with_password(db, "truong", "truong-ban-1")
            return sealing.current_keyring()

        ring = benchmark.pedantic(sign_in, rounds=5, warmup_rounds=1)
        assert ring is not None and ring.cleared
    finally:
        key_custody.forget()
        db.close()
