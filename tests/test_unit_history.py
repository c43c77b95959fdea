"""Two-tier local government in the tree of units: a commune passes from its dissolved
district to the district's successor (the province) on the dissolution day, its district
kept as its former parent. The same holds for a commune entered or imported under its old
district, for the migration of an office's database, and for reports of the past."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from receptiondesk.db import alembic_config, make_engine, sqlite_url
from receptiondesk.exchange.importer import import_file
from receptiondesk.model import Unit
from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.periods import custom_period
from receptiondesk.services import reception, units

REFORM = date(2025, 7, 1)
H1_2025 = custom_period(date(2025, 1, 1), date(2025, 6, 30))


def _tree(s):
    province = units.create_unit(s, units.UnitInput(
        code="TU", name="Tỉnh ủy Điện Biên", level="province", kind="party"), home=True)
    district = units.create_unit(s, units.UnitInput(
        code="HU-TG", name="Huyện ủy Tuần Giáo", level="district", kind="party",
        parent_code="TU"))
    commune = units.create_unit(s, units.UnitInput(
        code="DU-QC", name="Đảng ủy xã Quài Cang", level="commune", kind="party",
        parent_code="HU-TG"))
    return province, district, commune


def test_a_commune_passes_to_the_province_when_its_district_is_dissolved(session):
    province, district, commune = _tree(session)
    units.dissolve_unit(session, district.id, REFORM, "TU")
    session.refresh(commune)
    assert (commune.parent_id, commune.former_parent_id, commune.parent_since) == (
        province.id, district.id, REFORM)
    assert commune.id in units.unit_and_descendants(session, province.id)
    assert commune.id in units.unit_and_descendants(session, district.id,
                                                    on=date(2025, 6, 30))
    assert commune.id not in units.unit_and_descendants(session, district.id, on=REFORM)
    units.dissolve_unit(session, district.id, None, None)  # recorded by mistake: undone
    session.refresh(commune)
    assert (commune.parent_id, commune.former_parent_id, commune.parent_since) == (
        district.id, None, None)


def test_a_commune_entered_or_imported_under_its_old_district_is_under_the_province(
        session, tmp_path):
    province, district, _commune = _tree(session)
    units.dissolve_unit(session, district.id, REFORM, "TU")
    typed = units.create_unit(session, units.UnitInput(
        code="DU-TT", name="Đảng ủy xã Tênh Phông", level="commune", kind="party",
        parent_code="HU-TG"))
    assert (typed.parent_id, typed.former_parent_id) == (province.id, district.id)
    sheet = tmp_path / "u.csv"
    sheet.write_text("Mã;Tên đơn vị;Cấp;Mã đơn vị cấp trên;Loại đơn vị;Địa danh\n"
                     "DU-MT;Đảng ủy xã Mùn Chung;Xã;HU-TG;Cấp ủy Đảng;Mùn Chung\n",
                     encoding="utf-8")
    assert import_file(session, "units", sheet).created == {"units": 1}
    imported = units.unit_by_code(session, "DU-MT")
    assert (imported.parent_id, imported.former_parent_id, imported.parent_since) == (
        province.id, district.id, REFORM)


def test_a_report_of_the_old_district_still_covers_its_commune(session, official):
    _province, district, commune = _tree(session)
    chair = units.create_official(session, commune.id, units.OfficialInput("Lò Văn Pấng"))
    reception.create_session(session, commune.id, reception.SessionInput(
        date(2025, 3, 4), presiding_official_id=chair.id, place="Trụ sở"),
        today=date(2025, 3, 4))
    units.dissolve_unit(session, district.id, REFORM, "TU")
    session.commit()
    report = periodic_report(session, district.id, H1_2025, today=date(2025, 8, 1))
    assert report.total.reception.total.sessions == 1  # the commune's, before the reform
    province = periodic_report(session, units.unit_by_code(session, "TU").id, H1_2025,
                               today=date(2025, 8, 1))
    assert province.total.reception.total.sessions == 1  # counted once


def test_the_migration_moves_the_communes_of_a_dissolved_district(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "office.db"))
    command.upgrade(alembic_config(engine), "0020")
    with engine.begin() as c:
        for i, (code, level, parent, dissolved, successor) in enumerate((
                ("TU", "province", None, None, None),
                ("HU", "district", "u0", "2025-07-01", "u0"),
                ("XA", "commune", "u1", None, None),
                ("UB-HU", "district", "u1", "2025-07-01", None))):
            c.execute(text(
                "INSERT INTO units (id, created_at, updated_at, version, code, name, level, "
                "kind, parent_id, parent_body_name, place_name, remote_area, national_code, "
                "dissolved_on, is_home, successor_id) VALUES (:id, '2025-01-01', "
                "'2025-01-01', 1, :code, :code, :level, 'party', :parent, '', '', 0, '', "
                ":dissolved, 0, :successor)"), dict(id=f"u{i}", code=code, level=level,
                                                    parent=parent, dissolved=dissolved,
                                                    successor=successor))
    command.upgrade(alembic_config(engine), "0021")
    with Session(engine) as s:
        rows = {u.code: (u.parent_id, u.former_parent_id, u.parent_since)
                for u in s.scalars(select(Unit))}
    assert rows["XA"] == ("u0", "u1", REFORM)  # the commune passes to the province
    assert rows["UB-HU"] == ("u1", None, None)  # dissolved the same day: stays
    command.downgrade(alembic_config(engine), "0020")
    with engine.connect() as c:
        assert c.execute(text("SELECT parent_id FROM units WHERE code = 'XA'")).scalar() == "u1"
    engine.dispose()
