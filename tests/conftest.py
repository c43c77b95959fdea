"""Shared fixtures: a fresh migrated database, a session, a home commune and its officials."""

from __future__ import annotations

import pytest

from receptiondesk.db import open_database
from receptiondesk.i18n import current_language, set_language
from receptiondesk.services import units


@pytest.fixture(autouse=True)
def english():
    """Messages in English for every test; the previous language is restored after."""
    previous = current_language()
    set_language("en")
    yield
    set_language(previous)


@pytest.fixture
def db(tmp_path):
    """A fresh SQLite database, migrated to the newest schema with its reference data."""
    database = open_database(tmp_path / "t.db")
    yield database
    database.close()


@pytest.fixture
def session(db):
    """One unit of work on ``db``: committed (rolled back if it cannot be) and closed after."""
    s = db.sessions()
    yield s
    try:
        s.commit()
    except Exception:
        s.rollback()
    finally:
        s.close()


@pytest.fixture
def unit(session):
    """The home unit: the Party committee of Mường Phăng commune."""
    return units.create_unit(
        session,
        units.UnitInput(
            code="DU-MP",
            name="Đảng ủy xã Mường Phăng",
            level="commune",
            kind="party",
            parent_body_name="Đảng bộ tỉnh Điện Biên",
            place_name="Mường Phăng",
        ),
        home=True,
    )


@pytest.fixture
def official(session, unit):
    """The presiding official: the commune Party secretary."""
    return units.create_official(
        session,
        unit.id,
        units.OfficialInput(
            full_name="Lò Văn Khoa", position="Bí thư Đảng ủy", duty_role="party_secretary"
        ),
    )


@pytest.fixture
def clerk(session, unit):
    """The clerk who keeps the log and records the minutes."""
    return units.create_official(
        session,
        unit.id,
        units.OfficialInput(full_name="Nguyễn Thị Hoa", position="Công chức Văn phòng"),
    )


@pytest.fixture
def cleared():
    """Act as an office head — a role cleared for denouncers' identity — without any
    account in the database (permissions then follow the role)."""
    from receptiondesk.services.accounts import OFFICE_HEAD, Actor, acting_as

    with acting_as(Actor("0" * 32, "head", "Lường Thị Mai", OFFICE_HEAD)) as actor:
        yield actor
