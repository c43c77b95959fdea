"""A year's periodic report of the province (every unit below it), beside the raw
aggregate queries it issues: the same statements — the temporary tables it fills, the
GROUP BY aggregates, the drops — captured as sent to the driver and replayed with
``sqlite3``, rows fetched. Also the drill-down: the year's report of one commune from the
province database, and the province's dashboard with its table of units."""

from __future__ import annotations

from datetime import date

from receptiondesk.reports.periodic import periodic_report
from receptiondesk.reports.periods import year_period

ROUNDS = 5


def test_year_periodic_report(benchmark, tools, results, db, office, raw_replay):
    year = date.today().year - 1  # the last whole year
    period = year_period(year)

    def run():
        with db.session() as s:
            return periodic_report(s, office.unit_id, period)

    run()  # warm
    with tools.captured_sql(db.engine) as statements:
        report = run()
    floor = tools.median_of(raw_replay(statements), ROUNDS)
    benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=0)
    value = tools.bench_median(benchmark)
    received = report.total.petitions.received
    benchmark.extra_info.update(statements=len(statements), floor_s=floor, received=received,
                                min_s=float(benchmark.stats.stats.min))
    results.add(f"periodic report, year {year}", value, floor,
                f"its {len(statements)} SQL statements replayed on the bare driver",
                target="≤ 2x floor, < 1 s", met=value <= 2 * floor and value < 1.0,
                note=f"{received:,} petitions received in the year, "
                     f"{len(office.unit_ids)} units; fastest round "
                     f"{benchmark.stats.stats.min * 1000:,.0f} ms")


def test_year_report_of_one_commune(benchmark, tools, results, db, office, raw_replay):
    """The drill-down: one commune of the province, from the province's database."""
    from sqlalchemy import select

    from receptiondesk.model import Unit

    period = year_period(date.today().year - 1)
    with db.session() as s:
        commune = s.scalar(select(Unit.id).where(Unit.level == "commune",
                                                 Unit.id.in_(office.unit_ids))
                           .order_by(Unit.code).limit(1))

    def run():
        with db.session() as s:
            return periodic_report(s, commune, period)

    run()
    with tools.captured_sql(db.engine) as statements:
        run()
    floor = tools.median_of(raw_replay(statements), ROUNDS)
    benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=0)
    value = tools.bench_median(benchmark)
    # Fixed costs (the rules engine, the queries' compilation) dominate so small a
    # report: what matters is that the drill-down feels instant (DESIGN §1).
    results.add("periodic report, year, one commune", value, floor,
                f"its {len(statements)} SQL statements replayed on the bare driver",
                target="< 100 ms", met=value < 0.1)


def test_province_dashboard_with_its_units(benchmark, tools, results, db, office,
                                           raw_replay):
    """The dashboard's figures of the whole province and its table of units (what the
    Dashboard page computes off the GUI thread at each refresh)."""
    from receptiondesk.services.dashboard import dashboard_figures, unit_breakdown

    def run():
        with db.session() as s:
            dashboard_figures(s, office.unit_ids)
            return unit_breakdown(s, office.unit_id)

    run()
    with tools.captured_sql(db.engine) as statements:
        rows = run()
    floor = tools.median_of(raw_replay(statements), ROUNDS)
    benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=0)
    value = tools.bench_median(benchmark)
    results.add("dashboard of the province with its units", value, floor,
                f"its {len(statements)} SQL statements replayed on the bare driver",
                target="≤ 2x floor", met=value <= 2 * floor,
                note=f"{len(rows)} rows in the table of units")
