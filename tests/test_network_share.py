"""A SQLite database on a network share is refused, with the reason and the way out."""

from __future__ import annotations

import pytest

from receptiondesk import location
from receptiondesk.db import DatabaseError
from receptiondesk.services.database import open_database
from receptiondesk.services.startup import inspect_database_file


@pytest.mark.parametrize("path, shared", [
    ("\\\\server\\ReceptionDesk\\receptiondesk.db", True),
    ("//server/ReceptionDesk/receptiondesk.db", True),
    ("\\\\?\\UNC\\server\\share\\rd.db", True),
    ("\\\\?\\C:\\ReceptionDesk\\rd.db", False),
    ("D:\\ReceptionDesk\\receptiondesk.db", False),
    ("/home/van-phong/receptiondesk.db", False),
])
def test_network_paths_are_told_from_local_ones(path, shared):
    assert location.on_network(path) is shared


def test_a_drive_letter_mapped_to_a_share_counts_as_the_share(monkeypatch):
    monkeypatch.setattr(location, "_drive_is_remote", lambda drive: drive == "Z:")
    assert location.on_network("Z:\\ReceptionDesk\\receptiondesk.db")
    assert not location.on_network("D:\\ReceptionDesk\\receptiondesk.db")


def test_opening_a_database_on_a_share_is_refused_and_points_to_postgresql():
    with pytest.raises(DatabaseError) as refused:
        open_database("//server/share/receptiondesk.db")
    message = str(refused.value)
    assert "network folder" in message and "PostgreSQL" in message


def test_the_start_up_check_names_the_problem_before_anything_is_opened():
    problem = inspect_database_file("//server/share/receptiondesk.db").problem
    assert problem is not None and problem.kind == "network"
    assert "two PCs" in problem.message


def test_the_refusal_is_in_vietnamese_for_a_vietnamese_user():
    from receptiondesk.i18n import set_language

    set_language("vi")
    assert "thư mục mạng" in location.network_share_message("//server/share/rd.db")
