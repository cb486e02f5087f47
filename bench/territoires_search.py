"""Latency of the territory search API, in process (no network), on the loaded official data.

Usage: .venv/bin/python bench/territoires_search.py [rounds]   (after `make run` or `manage.py import_territoires`)
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubateur.settings")

import django  # noqa: E402

django.setup()

from django.test import Client, override_settings  # noqa: E402

QUERIES = {
    "communes": ["saint", "st etienne", "paris", "mont", "ab", "sainte-marie", "75011", "750", "2A004", "lyon", "zzz"],
    "epci": ["pays", "cc du", "metropole", "244200770", "val"],
}


def main(rounds: int = 30) -> None:
    client = Client()
    print(f"{'endpoint':10} {'q':14} {'results':>7} {'p50 ms':>7} {'p95 ms':>7}")
    with override_settings(SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["testserver"]):
        for endpoint, queries in QUERIES.items():
            for q in queries:
                timings = []
                for _ in range(rounds):
                    start = time.perf_counter()
                    response = client.get(f"/api/territoires/{endpoint}/", {"q": q})
                    timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.content
                timings.sort()
                p95 = timings[int(len(timings) * 0.95) - 1]
                count = response.json()["count"]
                print(f"{endpoint:10} {q:14} {count:7} {statistics.median(timings):7.1f} {p95:7.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
