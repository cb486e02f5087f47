"""Where the time of a search nobody made before goes: one page built in process, production settings.

Usage: .venv/bin/python bench/profile_search.py [--database portail_real] [--rounds 60] [--profile]
       [--path /services/?q=]

Builds nothing: point it at a database that ``bench/real.py`` or ``bench/load.py`` filled. Prints the SQL
queries of one new search, the median server time of ``--rounds`` different new searches (Django test client,
full middleware; the page cache never answers them but keeps the page's cached fragments, as a server does)
and, with ``--profile``, a pyinstrument profile of them.
On a shared machine wall times are noisy: read them with the load average printed next to them.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.catalogue import WORDS  # noqa: E402

NEW_QUERY_WORDS = WORDS + ["outil", "commune", "agents", "élus", "habitants", "gestion", "suivi"]


def new_queries(count: int, seed: int = 3) -> list[str]:
    """``count`` different searches of three need words: none answered by the page cache, which stays as a
    server keeps it (the page's header and footer fragments cached, as under load)."""
    rng = random.Random(seed)
    queries = set()
    while len(queries) < count:
        queries.add("+".join(rng.choice(NEW_QUERY_WORDS) for _ in range(3)))
    return sorted(queries, key=lambda query: rng.random())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="portail_real")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--path", action="append", help="URL prefix the query words follow")
    arguments = parser.parse_args()
    connection.settings_dict["NAME"] = arguments.database
    client = Client(HTTP_HOST="localhost")
    for prefix in arguments.path or ["/services/?q=", "/consultation/contributions/?q="]:
        caches["pages"].clear()
        client.get(prefix + "rendez-vous")  # warm the worker (imports, templates, per-generation values)
        caches["pages"].clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix + "ecole+budget+salle").status_code == 200
        print(f"{prefix}: {len(queries)} queries")
        for query in queries:
            print(f"  {query['time']}s {query['sql'][:160]}")
        profiler = None
        if arguments.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        times, cpu = [], []
        for query in new_queries(arguments.rounds, seed=len(prefix)):
            start, start_cpu = time.perf_counter(), time.process_time()
            assert client.get(prefix + query).status_code == 200
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        if profiler:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        load = os.getloadavg()[0]
        print(
            f"{prefix}: median {statistics.median(times):.1f} ms, of which Python CPU {statistics.median(cpu):.1f} ms"
            f" (fastest {min(cpu):.1f} ms),"
            f" over {len(times)} new searches (load average {load:.1f})"
        )


if __name__ == "__main__":
    main()
