"""Accounts linked to officials: the Accounts page links an account to an official, the
signed-in official fills the recorder and the handling official in forms, the demo's
accounts are linked, and a petition is accepted only with a handling official."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QDialog
from ui_helpers import click_save

from receptiondesk.demo import generate_demo
from receptiondesk.model import Official, Unit
from receptiondesk.services import accounts, petitions
from receptiondesk.services.accounts import (
    ADMINISTRATOR,
    CLERK,
    Actor,
    UserInput,
    acting_as,
    create_user,
)
from receptiondesk.services.database import open_database
from receptiondesk.services.errors import ValidationError
from receptiondesk.ui.accounts import AccountDialog, AccountsPage
from receptiondesk.ui.petition_forms import HandlingDialog
from receptiondesk.ui.reception_forms.session_form import SessionDialog
from receptiondesk.ui.worker import wait_for_background

pytestmark = pytest.mark.usefixtures("no_modal_questions")

TODAY = date(2026, 3, 20)


def classified(session, unit) -> petitions.Petition:
    day = date.today() - timedelta(days=3)
    p = petitions.register_petition(session, unit.id, petitions.PetitionInput(
        day, "recommendation", "Kiến nghị sửa đường vào bản",  # a Party committee accepts it
        petitioners=[petitions.PetitionerInput("Nguyễn Văn An")]), today=date.today())
    petitions.classify(session, p.id, petitions.Classification(True, True), day)
    return p


# --- the service ---------------------------------------------------------------------------


def test_accepting_a_petition_needs_its_handling_official(session, unit, official):
    p = classified(session, unit)
    with pytest.raises(ValidationError) as refused:
        petitions.decide_handling(session, p.id, "accept", date.today())
    assert refused.value.for_field("official_id") == (
        "Assigned official is required: an accepted petition needs the official who handles "
        "it.")
    assert (p.status, p.assigned_official_id, p.accepted_date) == ("classified", None, None)
    petitions.decide_handling(session, p.id, "accept", date.today(), official.id)
    assert (p.status, p.assigned_official_id) == ("accepted", official.id)


def test_the_demo_accounts_are_linked_to_the_demo_officials(tmp_path):
    db = open_database(tmp_path / "demo.db")
    try:
        generate_demo(db, "small", seed=3, today=TODAY)
        with db.session() as s:
            accounts.create_demo_accounts(s)
        with db.session() as s:
            linked = {u.username: u for u in accounts.list_users(s)}
            home = s.query(Unit).filter(Unit.is_home.is_(True)).one()
            for username in ("clerk", "official", "inspector", "head"):
                user = linked[username]
                official = s.get(Official, user.official_id)
                assert official is not None and official.unit_id == home.id, username
                assert user.full_name == official.full_name
            assert linked["head"].official.duty_role in ("party_secretary",
                                                         "committee_chairman")
            assert linked["admin"].official_id is None
    finally:
        db.close()


# --- the window ----------------------------------------------------------------------------


def test_the_signed_in_official_fills_recorder_and_handler(qtbot, ctx, session, unit, clerk):
    p = classified(session, unit)
    session.commit()
    with acting_as(Actor("1" * 32, "thuky", clerk.full_name, CLERK, official_id=clerk.id)):
        form = SessionDialog(ctx)
        qtbot.addWidget(form)
        assert form.recorder.currentData() == clerk.id
        accept = HandlingDialog(ctx, p.id, "accept")
        qtbot.addWidget(accept)
        assert accept.official.currentData() == clerk.id
    # nobody signed in: the official chosen when the office was set up
    assert SessionDialog(ctx).recorder.currentData() == ctx.official_id


def test_accepting_with_no_official_is_refused_at_its_field(qtbot, ctx, session, unit,
                                                             official):
    p = classified(session, unit)
    session.commit()
    dialog = HandlingDialog(ctx, p.id, "accept")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.official.setCurrentIndex(0)  # "—"
    click_save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Assigned official is required" in dialog.errors.message_for("official_id")
    dialog.official.setCurrentIndex(dialog.official.findData(official.id))
    click_save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_the_accounts_page_links_an_account_to_an_official(qtbot, ctx, session, clerk):
    admin = create_user(session, UserInput("quantri", "Quản trị", ADMINISTRATOR),
                        "admin password", must_change_password=False)
    session.commit()
    with acting_as(admin):
        dialog = AccountDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.username.setText("thuky")
        dialog.role.setCurrentIndex(dialog.role.findData(CLERK))
        dialog.official.setCurrentIndex(dialog.official.findData(clerk.id))
        assert dialog.full_name.text() == clerk.full_name  # named after the official
        dialog.password.setText("clerk password")
        user_id = dialog.save()
        with ctx.db.session() as s:
            user = accounts.get_user(s, user_id)
            assert (user.official_id, user.full_name) == (clerk.id, clerk.full_name)
        page = AccountsPage(ctx)
        qtbot.addWidget(page)
        page.refresh()
        wait_for_background()
        model = page.model
        rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
        assert model.index(rows["thuky"], 3).data() == clerk.full_name  # "Linked official"
        assert model.index(rows["quantri"], 3).data() == "—"
