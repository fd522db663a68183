"""Time the working group's ten-year report on the benchmark database (50,000 cases, see seed.py).

    .venv/bin/python bench/figures.py [--iterations 5] [--end 2025-12-31]

Seeds the database first if it is empty. Times reporting.figures.figures_compute for the ten calendar years up
to --end, and reporting.disclosure.publish of it against one earlier, overlapping report (which computes that
report's figures again). Target (issue 10): the ten-year figures well under 5 s.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cmm_bench")

TARGET_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(dt.datetime.now(dt.UTC).year - 1, 12, 31))
    options = parser.parse_args()

    from bench import seed

    seed.main([])
    from django.db import connection

    from reporting.disclosure import publish
    from reporting.figures import figures_compute

    end = options.end
    start = dt.date(end.year - 9, 1, 1)
    earlier = [(dt.date(end.year, 1, 1), dt.date(end.year, 6, 30))]
    computed, published = [], []
    for _ in range(options.iterations):
        began = time.perf_counter()
        figures = figures_compute(start=start, end=end)
        middle = time.perf_counter()
        publish(figures, earlier=earlier)
        computed.append(middle - began)
        published.append(time.perf_counter() - middle)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        (count,) = cursor.fetchone()
    victims = next(row.count for row in figures.key_figures.rows if row.code == "identified")
    print(f"{count} cases; {start} - {end}: {victims} victims identified")
    print(f"figures_compute  median {statistics.median(computed):.2f} s  max {max(computed):.2f} s")
    print(f"publish (1 earlier report)  median {statistics.median(published):.2f} s")
    return 0 if max(computed) < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
