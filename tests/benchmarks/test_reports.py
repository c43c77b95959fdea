"""A year's periodic report of the province (every unit below it), beside the raw
aggregate queries it issues: the same statements — the temporary tables it fills, the
GROUP BY aggregates, the drops — captured as sent to the driver and replayed with
``sqlite3``, rows fetched."""

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
    benchmark.extra_info.update(statements=len(statements), floor_s=floor, received=received)
    results.add(f"periodic report, year {year}", value, floor,
                f"its {len(statements)} SQL statements replayed with sqlite3",
                target="≤ 2x floor, < 1 s", met=value <= 2 * floor and value < 1.0,
                note=f"{received:,} petitions received in the year, "
                     f"{len(office.unit_ids)} units")
