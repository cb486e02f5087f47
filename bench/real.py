"""The two costs a small commune meets, on the real data: a search nobody made before, and a first visit.

Usage: .venv/bin/python bench/real.py [--duration 8] [--connections 16] [--database portail_real] [--port 8077]
       [--skip-load | --skip-browser]

Builds (once) a database holding only what ``make run`` loads (the official territories and the demo data:
the real catalogue of 40 services, the enjeux, the consultation sample), serves it with gunicorn (2 workers,
production settings, static files from ``collectstatic`` through WhiteNoise) and prints two Markdown tables:

1. wrk at 16 connections on searches built of three random need words per request (the page cache never
   answers), on ``/services/`` and ``/consultation/contributions/``, each run right after a run of the bare
   view ``/bench/ok/`` on the same server: R = throughput / that ceiling, p50/p95/p99; plus the server time of
   one such search at one client (median of 50, in process, Django test client).
2. headless Chromium (Debian's): bytes transferred (compressed) and requests of a first visit and of a repeat
   visit of ``/``, ``/services/``, a service page and the ANSM request form, then the first contentful paint
   of a first visit at 400 kbit/s with 400 ms latency (Chromium's network throttling), each against its target
   (✓ met, ✗ not met).
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# The in-process measure (one client) talks plain HTTP to "localhost", also with production settings.
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from bench import load  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

SEARCHES = [
    ("/services/?q= toujours nouvelle", "/services/?q="),
    ("/consultation/contributions/?q= nouvelle", "/consultation/contributions/?q="),
]
FIRST_VISIT_PAGES = ["/", "/services/", "/services/{slug}/", "/accompagnement/demande/"]
# Issue 17's targets for a first visit (production configuration) and a repeat visit.
FIRST_VISIT_KB, FIRST_VISIT_REQUESTS, REPEAT_KB, FCP_SECONDS = 100, 10, 1, 2.5
# A slow rural line: 400 kbit/s each way, 400 ms of latency.
SLOW_LINE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def fill():
    from catalogue.models import Service

    call_command("migrate", verbosity=0)
    if not Service.objects.exists():
        call_command("import_territoires", verbosity=0)
        call_command("load_demo", verbosity=0)


def one_client_ms(prefix: str, rounds: int = 50) -> float:
    """Median server time of a new search at one client, in process (no network, no page cache answer: every
    search is a different one; the page's cached fragments stay, as on a server)."""
    from bench.profile_search import new_queries

    client = Client(HTTP_HOST="localhost")
    client.get(prefix + "rendez-vous")
    times = []
    for query in new_queries(rounds, seed=len(prefix) + 1):
        start = time.perf_counter()
        assert client.get(prefix + query).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[5:])


def met(ok: bool) -> str:
    return "✓" if ok else "✗"


def first_contentful_paint(browser, path: str) -> float:
    context = browser.new_context(base_url=f"http://127.0.0.1:{load.PORT}")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
    page.goto(path, wait_until="load", timeout=120_000)
    paint = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime"
    )
    context.close()
    return paint / 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=8, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database", default="portail_real")
    parser.add_argument("--port", type=int, default=load.PORT)
    parser.add_argument("--skip-load", action="store_true", help="only the browser table")
    parser.add_argument("--skip-browser", action="store_true", help="only the search table")
    arguments = parser.parse_args()
    load.PORT = arguments.port
    for tool in ("wrk", CHROMIUM):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install wrk chromium")
    load.catalogue_bench.use_bench_database(arguments.database)
    fill()
    env = load.server_environment()
    from catalogue.models import Service

    slug = Service.objects.published().active().order_by("name").values_list("slug", flat=True).first()
    server = load.start_server(env)
    try:
        rows = []
        for name, prefix in [] if arguments.skip_load else SEARCHES:
            load.wrk([], duration=2, connections=arguments.connections, words=load.NEW_QUERY_WORDS, prefix=prefix)
            ceiling = load.wrk(["/bench/ok/"], duration=arguments.duration, connections=arguments.connections)
            result = load.wrk(
                [],
                duration=arguments.duration,
                connections=arguments.connections,
                words=load.NEW_QUERY_WORDS,
                prefix=prefix,
            )
            rows.append((name, prefix, ceiling, result))
        if rows:
            print(
                f"\n| search ({arguments.connections} connections) | req/s | ceiling req/s | R | p50 ms | p95 ms "
                "| p99 ms | errors | 1 client ms |"
            )
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, prefix, ceiling, result in rows:
            print(
                f"| {name} | {result['rps']:.0f} | {ceiling['rps']:.0f} | {result['rps'] / ceiling['rps']:.3f} "
                f"| {result['p50'] / 1000:.1f} | {result['p95'] / 1000:.1f} | {result['p99'] / 1000:.1f} "
                f"| {result['errors'] + result['non_2xx_3xx']} | {one_client_ms(prefix):.1f} |",
                flush=True,
            )
        if rows:
            print("\nTargets (issue 17): R >= 0.15, p95 < 100 ms, one client < 5 ms.")
        if arguments.skip_browser:
            return

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            print(
                f"\n| page | 1st visit kB (≤ {FIRST_VISIT_KB}) | requests (≤ {FIRST_VISIT_REQUESTS}) "
                f"| repeat kB (< {REPEAT_KB}) | repeat requests | FCP at 400 kbit/s, 400 ms (< {FCP_SECONDS} s) |"
            )
            print("|---|---:|---:|---:|---:|---:|")
            for path in FIRST_VISIT_PAGES:
                path = path.format(slug=slug)
                metric = load.browser_metrics(browser, path)
                paint = first_contentful_paint(browser, path)
                print(
                    f"| {path} | {metric['cold_kb']:.1f} {met(metric['cold_kb'] <= FIRST_VISIT_KB)} "
                    f"| {metric['requests']} {met(metric['requests'] <= FIRST_VISIT_REQUESTS)} "
                    f"| {metric['warm_kb']:.2f} {met(metric['warm_kb'] < REPEAT_KB)} | {metric['warm_requests']} "
                    f"| {paint:.2f} s {met(paint < FCP_SECONDS)} |",
                    flush=True,
                )
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
