"""Scale-out benchmark: two gunicorn servers behind haproxy (round robin) on one PostgreSQL database.

Usage: .venv/bin/python bench/scaleout.py [--duration 8] [--connections 16] [--cache-url redis://127.0.0.1:6379/3]

Needs ``DATABASE_URL`` (its server hosts the database ``portail_scale``, dropped and released afresh each run:
migrate, territories, demo data, collectstatic), Debian's ``haproxy`` and ``wrk`` (``apt-get install -y
haproxy wrk``). Starts gunicorn (2 sync workers each, production settings) on ports 8107 and 8108, the
database task worker, and haproxy on 8109 as a plain process with its configuration in a temporary folder:
it terminates TLS, adds ``X-Forwarded-For`` and ``X-Forwarded-Proto`` as a platform's router does, and names
the server that answered in ``X-Served-By``.

Then, through the balancer, the checks of ``tests/scale_out.py`` (also run by the test suite without haproxy):
a staff session opened on one server and used on the other, the rate limit of the request form counted across
both, a write on one server invalidating the cached page of the other, and the request flow to the worker's
e-mail and the follow-up page. Last, wrk through haproxy with one server, then with both: a cached page, a
search nobody made before (new words every request: the page cache never answers) and the bare view.
With ``--cache-url``, both servers share that Redis for their page caches (``CACHE_URL``).
"""

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402

from bench import load  # noqa: E402 (sets Django up with bench.settings)
from tests import scale_out  # noqa: E402
from tests.production import DeployedSite, manage, self_signed_certificate  # noqa: E402

DATABASE = "portail_scale"
SERVERS = {"a": 8107, "b": 8108}
BALANCER = 8109
LIMIT = 4
HAPROXY = """
global
    maxconn 1024
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
frontend portail
    bind 127.0.0.1:{port} ssl crt {pem}
    http-request set-header X-Forwarded-Proto https
    default_backend servers
backend servers
    balance roundrobin
    http-response set-header X-Served-By %[srv_name]
{servers}
"""


class Balancer:
    """haproxy as a process of this benchmark, in front of the named servers."""

    def __init__(self, folder: Path):
        self.folder = folder
        cert, key = self_signed_certificate(folder)
        self.pem = folder / "haproxy.pem"
        self.pem.write_text(cert.read_text() + key.read_text())
        self.process = None
        self.url = f"https://127.0.0.1:{BALANCER}"

    def start(self, names) -> None:
        self.stop()
        servers = "\n".join(f"    server {name} 127.0.0.1:{SERVERS[name]}" for name in names)
        config = self.folder / "haproxy.cfg"
        config.write_text(HAPROXY.format(port=BALANCER, pem=self.pem, servers=servers))
        subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], check=True)
        self.process = subprocess.Popen(["haproxy", "-db", "-f", str(config)], stderr=subprocess.DEVNULL)
        time.sleep(1)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def counted(env):
    def count(client: str) -> int:
        with psycopg.connect(env["DATABASE_URL"]) as database:
            return database.execute(
                "SELECT coalesce(sum(count), 0) FROM accompagnement_submissioncounter WHERE key LIKE %s",
                [f"demande:{client}:%"],
            ).fetchone()[0]

    return count


def checks(site: DeployedSite, balancer: Balancer) -> None:
    next_server = itertools.repeat(balancer.url).__next__
    staff = scale_out.set_up(site.env)
    print("\n## Correctness through the balancer (round robin)\n")
    lines, staff_visitor = scale_out.check_staff_session(next_server, staff)
    report = {"staff session": lines}
    report["page cache invalidation"] = scale_out.check_page_cache_invalidation(next_server, staff, staff_visitor)
    report["request flow"] = scale_out.check_request_flow(next_server, site.emails, forwarded_for="203.0.113.20")
    report["rate limit"] = scale_out.check_rate_limit(
        next_server, counted(site.env), limit=LIMIT, forwarded_for="203.0.113.30"
    )
    for name, lines in report.items():
        print(f"- {name}: OK")
        for line in lines:
            print(f"    {line}")


def throughput(balancer: Balancer, *, duration: int, connections: int, slug: str) -> None:
    runs = [
        ("bare view /bench/ok/", {"paths": ["/bench/ok/"]}),
        ("cached page /services/", {"paths": ["/services/"]}),
        (f"cached page /services/{slug}/", {"paths": [f"/services/{slug}/"]}),
        ("/services/?q= toujours nouvelle", {"paths": [], "words": load.NEW_QUERY_WORDS, "prefix": "/services/?q="}),
    ]
    rows = []
    for names in (["a"], ["a", "b"]):
        balancer.start(names)
        load.wrk(["/services/"], duration=2, connections=connections, base=balancer.url)  # warm both servers
        for label, arguments in runs:
            result = load.wrk(duration=duration, connections=connections, base=balancer.url, **arguments)
            rows.append((label, len(names), result))
    print(f"\n## Throughput through haproxy, wrk 2 threads, {connections} connections, {duration} s a run\n")
    print("| page | servers | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx/3xx |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, servers, result in sorted(rows, key=lambda row: [run[0] for run in runs].index(row[0])):
        print(
            f"| {label} | {servers} | {result['rps']:.0f} | {result['p50'] / 1000:.1f} | {result['p95'] / 1000:.1f}"
            f" | {result['p99'] / 1000:.1f} | {result['errors']} | {result['non_2xx_3xx']} |"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--cache-url", default="", help="a shared Redis for both servers (CACHE_URL)")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run (no release)")
    arguments = parser.parse_args()
    for tool in ("wrk", "haproxy"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y {tool}")
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL must name the PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/x)")
    admin_settings = dj_database_url.parse(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory(prefix="scaleout-") as folder:
        folder = Path(folder)
        site = DeployedSite(
            admin_settings=admin_settings,
            database=DATABASE,
            folder=folder,
            ports=list(SERVERS.values()),
            tls=False,
            DJANGO_SETTINGS_MODULE="bench.settings",
            SITE_URL=f"https://127.0.0.1:{BALANCER}",
            # haproxy is the hop the servers trust; the checks' visitors play the client's own proxy before it,
            # so that each check is a client address of its own.
            TRUSTED_PROXY_HOPS="2",
            ANSM_POSTS_PER_HOUR=str(LIMIT),
            **({"CACHE_URL": arguments.cache_url} if arguments.cache_url else {}),
        )
        if arguments.reuse:
            # What the checks of the last run left: its staff members, requests and rate-limit counters.
            forget = (
                "from django.contrib.auth.models import User; from accompagnement.models import DiagnosticRequest,"
                " SubmissionCounter; User.objects.all().delete(); DiagnosticRequest.objects.all().delete();"
                " SubmissionCounter.objects.all().delete()"
            )
            completed = manage("shell", "-c", forget, env=site.env)
            if completed.returncode:
                raise SystemExit(completed.stderr[-2000:])
        else:
            print(f"releasing {DATABASE} (migrate, territories, demo data, collectstatic)…", flush=True)
            site.release()
        balancer = Balancer(folder)
        try:
            site.start()
            balancer.start(SERVERS)
            checks(site, balancer)
            slug = scale_out.set_up(site.env, username="autre")["service_slug"]
            throughput(balancer, duration=arguments.duration, connections=arguments.connections, slug=slug)
        finally:
            balancer.stop()
            site.stop()
    print(f"\nload average after the run: {' '.join(f'{value:.1f}' for value in os.getloadavg())} (2 cores)")


if __name__ == "__main__":
    main()
