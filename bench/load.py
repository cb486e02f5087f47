"""Load benchmark: the portal under gunicorn (2 workers, DEBUG off, WhiteNoise), measured by wrk.

Usage: make bench   (or .venv/bin/python bench/load.py [--duration 8] [--connections 16])

Builds (once, then reuses) the database ``portail_load`` on DATABASE_URL's server or the embedded one:
the real territories and demo data plus 10,000 services, 50,000 deployments, 100,000 contributions and
20,000 ANSM requests. Serves it with gunicorn and, from this separate process, runs wrk on each page,
each run preceded by a run on ``/bench/ok/`` (a bare Django view through the full middleware: the
ceiling), so R = page throughput / ceiling throughput measured a few seconds apart. Then counts the
SQL queries of each page in process and loads each page in headless Chromium (transferred bytes cold
and warm, requests, DOM nodes). Prints one Markdown table for docs/performance.md.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench import catalogue as catalogue_bench  # noqa: E402
from tests.browser.chromium import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402

LOAD_DATABASE = "portail_load"
CONTRIBUTIONS, REQUESTS = 100_000, 20_000
PORT = 8077
CONTRIBUTION_QUERIES = [
    "rendez-vous",
    "salle",
    "mobilité",
    "subventions",
    "site internet",
    "cantine",
    "démarches en ligne",
    "formation des agents",
    "logement",
    "zzzz",
]
# Search words for the "every query new" runs: combinations of three are almost never repeated.
NEW_QUERY_WORDS = catalogue_bench.WORDS + ["outil", "commune", "agents", "élus", "habitants", "gestion", "suivi"]


# ---------------------------------------------------------------- database


def fill():
    """The catalogue volume of bench/catalogue.py, then contributions and requests."""
    from django.utils import timezone

    from accompagnement.models import DiagnosticRequest, RefusalReason, Status, hash_token
    from consultation.models import Contribution, Enjeu
    from territoires.models import Commune, Departement

    catalogue_bench.fill()
    rng = random.Random(7)
    filler = catalogue_bench.filler_vocabulary(rng)
    missing = CONTRIBUTIONS - Contribution.objects.count()
    if missing > 0:
        enjeux = list(Enjeu.objects.all())
        departements = list(Departement.objects.values_list("code", flat=True))
        start = Contribution.objects.order_by("-decidim_id").values_list("decidim_id", flat=True).first() or 0
        rows = []
        for n in range(start + 1, start + missing + 1):
            need = rng.sample(catalogue_bench.WORDS, 2)
            words = [filler[min(int(rng.paretovariate(1.2)) - 1, len(filler) - 1)] for _ in range(60)]
            rows.append(
                Contribution(
                    decidim_host="charge.decidim.invalid",
                    decidim_id=n,
                    reference=f"CHARGE-PROP-{n}",
                    title=f"Besoin : {need[0]} et {need[1]} ({n})",
                    body=f"<p>Nous voulons {need[0]} pour {need[1]}. {' '.join(words)}</p>",
                    kind=rng.choice(["besoin", "projet", "inconnu"]),
                    departement_id=rng.choice(departements),
                    enjeu=rng.choice(enjeux),
                    supports=rng.randint(0, 50),
                    comments_count=0,
                )
            )
        Contribution.objects.bulk_create(rows, batch_size=5000)
    missing = REQUESTS - DiagnosticRequest.objects.count()
    if missing > 0:
        # One open request per commune at most (the portal's rule): closed ones may repeat a commune.
        communes = list(Commune.objects.filter(population__lt=3500).values_list("code_insee", "population")[:missing])
        closed = [Status.CLOSED, Status.DECLINED, Status.WITHDRAWN]
        now = timezone.now()
        requests = []
        for n in range(missing):
            code, population = communes[n % len(communes)]
            status = rng.choice(list(Status)) if n < len(communes) else rng.choice(closed)
            requests.append(
                DiagnosticRequest(
                    commune_id=code,
                    population=population,
                    first_name="Prénom",
                    last_name="Nom",
                    role="maire",
                    email=f"mairie-{n}@exemple.invalid",
                    needs="Des besoins décrits par la collectivité, pour le banc d'essai de charge.",
                    consent_at=now,
                    status=status,
                    refusal_reason=RefusalReason.NO_ANSWER if status == Status.DECLINED else "",
                    submission_key=uuid.uuid4(),
                    token_hash=hash_token(uuid.uuid4().hex),
                )
            )
        DiagnosticRequest.objects.bulk_create(requests, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def database_url() -> str:
    settings = connection.settings_dict
    host = quote(settings["HOST"] or "127.0.0.1", safe="")
    user = quote(settings["USER"] or "postgres", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"


# ---------------------------------------------------------------- server


def server_environment() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "TRUSTED_PROXY_HOPS": "0",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
    }


def start_server(env: dict) -> subprocess.Popen:
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "incubateur.wsgi", "--bind", f"127.0.0.1:{PORT}"]
        + ["--workers", "2", "--timeout", "30", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/sante/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /sante/")


# ---------------------------------------------------------------- wrk

WRK_SCRIPT = """
local paths = %(paths)s
local words = %(words)s
local prefix = "%(prefix)s"
local counter = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
  counter = math.random(#paths) - 1
end
request = function()
  counter = counter + 1
  if #words > 0 then
    local q = words[math.random(#words)] .. "+" .. words[math.random(#words)] .. "+" .. words[math.random(#words)]
    return wrk.format("GET", prefix .. q)
  end
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "errors": %%d, "non_2xx_3xx": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_list(values) -> str:
    # Percent-encoded, so that Lua reads plain ASCII strings.
    return "{" + ", ".join(json.dumps(quote(value, safe="/?=&+%")) for value in values) + "}"


def wrk(paths, *, duration: int, connections: int, words=(), prefix="", base: str = "") -> dict:
    # Read at call time: bench/real.py sets PORT from its --port option after importing this module.
    base = base or f"http://127.0.0.1:{PORT}"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": lua_list(paths or ["/"]), "words": lua_list(words), "prefix": prefix})
    completed = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "-s",
            script.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# ---------------------------------------------------------------- queries and browser


def query_counts(paths) -> str:
    """SQL queries of the first path without and with the page cache, and of another path of the same kind."""
    client = Client(HTTP_HOST="localhost")
    counts = []
    for path in paths[:2]:
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as miss:
            assert client.get(path).status_code == 200, path
        counts.append(len(miss))
        if len(counts) == 1:
            with CaptureQueriesContext(connection) as hit:
                client.get(path)
    other = f", {counts[1]} other" if len(counts) > 1 else ""
    return f"{counts[0]}{other} / {len(hit)}"


def browser_metrics(browser, path) -> dict:
    context = browser.new_context(base_url=f"http://127.0.0.1:{PORT}")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    visit = {"bytes": 0, "requests": 0}
    cdp.on(
        "Network.loadingFinished",
        lambda event: visit.__setitem__("bytes", visit["bytes"] + event["encodedDataLength"]),
    )
    # A data: URI (an icon inlined in the stylesheet) is no request on the network: not counted.
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: visit.__setitem__(
            "requests", visit["requests"] + (not event["request"]["url"].startswith("data:"))
        ),
    )
    page.goto(path, wait_until="networkidle")
    cold = dict(visit)
    nodes = page.evaluate("document.getElementsByTagName('*').length")
    visit.update(bytes=0, requests=0)
    page.goto(path, wait_until="networkidle")
    warm = dict(visit)
    context.close()
    return {
        "cold_kb": cold["bytes"] / 1024,
        "requests": cold["requests"],
        "warm_kb": warm["bytes"] / 1024,
        "warm_requests": warm["requests"],
        "nodes": nodes,
    }


# ---------------------------------------------------------------- main


def pages():
    from catalogue.models import Service

    demo = list(Service.objects.published().exclude(slug__startswith="bench-").values_list("slug", flat=True)[:10])
    generated = list(Service.objects.filter(slug__startswith="bench-").values_list("slug", flat=True)[:10])
    return [
        ("/", {"paths": ["/"]}),
        ("/services/", {"paths": ["/services/", "/services/?page=50"]}),
        ("/services/?q= requêtes réelles", {"paths": [f"/services/?q={quote(q)}" for q in catalogue_bench.QUERIES]}),
        ("/services/?q= toujours nouvelle", {"paths": [], "words": NEW_QUERY_WORDS, "prefix": "/services/?q="}),
        ("fiche service", {"paths": [f"/services/{slug}/" for slug in demo + generated]}),
        (
            "/consultation/contributions/?q= réelles",
            {"paths": [f"/consultation/contributions/?q={quote(q)}" for q in CONTRIBUTION_QUERIES]},
        ),
        (
            "/consultation/contributions/?q= nouvelle",
            {"paths": [], "words": NEW_QUERY_WORDS, "prefix": "/consultation/contributions/?q="},
        ),
        ("/api/services/", {"paths": ["/api/services/", "/api/services/?page=50"]}),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=8, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args()
    for tool in ("wrk", CHROMIUM):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install wrk chromium")

    catalogue_bench.use_bench_database(LOAD_DATABASE)
    print(f"database {LOAD_DATABASE}: building or checking the volume…", flush=True)
    fill()
    env = server_environment()
    server = start_server(env)
    rows = []
    try:
        for name, spec in pages():
            # Warm-up: what a production server has after a few minutes (compiled templates, cached pages).
            wrk(
                spec["paths"],
                duration=2,
                connections=spec.get("c", arguments.connections),
                words=spec.get("words", ()),
                prefix=spec.get("prefix", ""),
            )
            ceiling = wrk(["/bench/ok/"], duration=arguments.duration, connections=arguments.connections)
            result = wrk(
                spec["paths"],
                duration=arguments.duration,
                connections=arguments.connections,
                words=spec.get("words", ()),
                prefix=spec.get("prefix", ""),
            )
            rows.append((name, spec, ceiling, result))
            print(f"  {name}: {result['rps']:.0f} req/s, ceiling {ceiling['rps']:.0f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        server = start_server(env)
        try:
            metrics = {
                name: browser_metrics(browser, spec["paths"][0] if spec["paths"] else spec["prefix"] + "mairie")
                for name, spec, _, _ in rows
            }
        finally:
            server.terminate()
            server.wait()
            browser.close()

    print()
    print(
        "| page | req/s | R | p50 ms | p95 ms | p99 ms | errors | SQL miss / hit | 1st visit kB | requests "
        "| repeat kB | DOM nodes |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for name, spec, ceiling, result in rows:
        sample = spec["paths"] or [spec["prefix"] + "mairie+salle"]
        metric = metrics[name]
        print(
            f"| {name} | {result['rps']:.0f} | {result['rps'] / ceiling['rps']:.2f} | {result['p50'] / 1000:.1f} "
            f"| {result['p95'] / 1000:.1f} | {result['p99'] / 1000:.1f} | {result['errors'] + result['non_2xx_3xx']} "
            f"| {query_counts(sample)} | {metric['cold_kb']:.0f} | {metric['requests']} | {metric['warm_kb']:.1f} "
            f"| {metric['nodes']} |"
        )
    ceiling_rps = [ceiling["rps"] for _, _, ceiling, _ in rows]
    print(
        f"\nceiling /bench/ok/: {min(ceiling_rps):.0f}–{max(ceiling_rps):.0f} req/s, "
        f"{arguments.connections} connections"
    )


if __name__ == "__main__":
    main()
