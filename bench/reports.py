"""Time the working group's ten-year statistics report on the benchmark's 50,000 cases, next to a one-page PDF.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmm_bench_rep .venv/bin/python bench/reports.py [--iterations 5]

Seeds the benchmark database first if it is empty (bench/seed.py). Each round makes the report as the Celery
task does (reporting.services.report_make: figures, disclosure control, CSV, charts, PDF) for the ten calendar
years up to the last whole year, timing each step, and renders a one-page WeasyPrint document (a heading, a
paragraph and a ten-row table in the same fonts) as the yardstick, in the same run. Prints the medians and
the ratio of the whole report to the yardstick. Target (issue 10): the whole ten-year report in at most 5 s.
The report of the last round is written to bench/results/report-ten-years.pdf (not committed).
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

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_SECONDS = 5.0
ONE_PAGE = """<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>Én side</title><style>
@page { size: A4; margin: 24mm 20mm; @bottom-center { content: "Side " counter(page) " af " counter(pages);
font-family: "DejaVu Sans", sans-serif; font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; } table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #bbb; padding: 1.2mm 2mm; text-align: left; }</style></head><body>
<h1>Én side</h1><p>Et afsnit og en tabel med ti rækker, i rapportens skrift.</p><table><thead><tr>
<th scope="col">År</th><th scope="col">Antal</th></tr></thead><tbody>ROWS</tbody></table></body></html>"""


def one_page_pdf() -> bytes:
    from weasyprint import HTML

    rows = "".join(f'<tr><th scope="row">{2016 + i}</th><td>{40 + i}</td></tr>' for i in range(10))
    return HTML(string=ONE_PAGE.replace("ROWS", rows)).write_pdf(pdf_variant="pdf/ua-1")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--language", choices=["da", "en"], default="da")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)

    from bench import seed

    seed.ensure_database(reset=False)
    seed.seed()  # migrates; seeds only an empty database

    import logging

    from django.utils import timezone
    from pypdf import PdfReader

    from accounts.models import User
    from reporting.models import ReportJob
    from reporting.services import report_make

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    last_year = timezone.localdate().year - 1
    start, end = dt.date(last_year - 9, 1, 1), dt.date(last_year, 12, 31)
    user = User.objects.get(username=seed.BENCH_ADMIN)
    # Not saved: no row is written, and no earlier report of the user's weighs in (a first report).
    job = ReportJob(pk=0, requested_by=user, start=start, end=end, language=args.language, started_at=timezone.now())

    one_page_pdf()  # warm-up: fonts, WeasyPrint's and matplotlib's imports, the database connection
    report_make(job)
    times: dict[str, list[float]] = {"figures": [], "disclosure": [], "charts": [], "rendering": [], "report": []}
    yardstick = []
    document = b""
    for _round in range(args.iterations):
        marks = [("figures", time.perf_counter())]
        began = marks[0][1]
        document, _csv = report_make(job, step=lambda name, marks=marks: marks.append((name, time.perf_counter())))
        done = time.perf_counter()
        names = ["figures", "disclosure", "charts", "rendering"]
        for (_name, at), (_next, then), key in zip(marks, [*marks[1:], ("", done)], names, strict=True):
            times[key].append(then - at)
        times["report"].append(done - began)
        began = time.perf_counter()
        one_page_pdf()
        yardstick.append(time.perf_counter() - began)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report-ten-years.pdf").write_bytes(document)
    pages = len(PdfReader(RESULTS / "report-ten-years.pdf").pages)
    one = statistics.median(yardstick)
    whole = statistics.median(times["report"])
    labels = {
        "figures": "figures (aggregate queries)",
        "disclosure": "disclosure control and CSV",
        "charts": "charts (matplotlib, SVG)",
        "rendering": "PDF (WeasyPrint, PDF/UA-1)",
        "report": "whole ten-year report",
    }
    print(f"ten-year report {start} .. {end}, {args.language}, {pages} pages, {len(document) // 1024} KiB")
    print(f"{'step':34} {'median s':>9} {'x one page':>11}")
    for key, label in labels.items():
        median = statistics.median(times[key])
        print(f"{label:34} {median:9.2f} {median / one:11.1f}")
    print(f"{'one-page PDF (yardstick)':34} {one:9.2f} {1:11.1f}")
    met = whole <= TARGET_SECONDS
    print(f"target: whole report <= {TARGET_SECONDS:.0f} s: {'met' if met else 'MISSED'} ({whole:.2f} s)")
    return 0 if met or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
