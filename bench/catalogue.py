"""Catalogue at scale: 10,000 services and 50,000 deployments in a database of its own.

Usage: .venv/bin/python bench/catalogue.py [--rounds N]
Uses DATABASE_URL's server (or the embedded one) with a separate database, ``portail_bench``, created
and filled on the first run and reused afterwards. Prints search latency (p50/p95 over varied queries)
and in-process page throughput.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubateur.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

BENCH_DATABASE = "portail_bench"
SERVICES, DEPLOYMENTS = 10_000, 50_000
WORDS = (
    "rendez-vous adresse logement mobilité covoiturage inclusion numérique subvention démarche salle réservation "
    "cantine école déchets compostage eau assainissement voirie éclairage cimetière état-civil urbanisme permis "
    "budget comptabilité marché public délibération conseil municipal associations sport culture bibliothèque "
    "tourisme commerce emploi jeunesse seniors santé transport signalement carte données ouvertes cadastre"
).split()
QUERIES = [
    "rendez-vous",
    "adresse",
    "logement",
    "mobilité",
    "covoiturage",
    "inclusion numérique",
    "subventions",
    "covoiturag",
    "réserver une salle",
    "démarches",
    "cimetière",
    "conseil municipal",
    "données ouvertes",
    "zzzz",
]


SYLLABLES = [consonant + vowel for consonant in "bcdflmnprstv" for vowel in "aeiou"]


def filler_vocabulary(rng, size=4000):
    """Pseudo-words, so that each real word is as rare in the generated catalogue as in a real one."""
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def use_bench_database(name=BENCH_DATABASE):
    params = connection.get_connection_params()
    admin = {key: params[key] for key in ("host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(**admin, dbname="postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name


def fill():
    from catalogue.models import Deployment, Porteur, Service, Thematique, UsageState
    from territoires.models import Departement

    call_command("migrate", verbosity=0)
    if Service.objects.count() >= SERVICES:
        return
    call_command("import_territoires", verbosity=0)
    call_command("load_demo", verbosity=0)
    rng = random.Random(42)
    porteurs = Porteur.objects.bulk_create(
        [Porteur(name=f"Collectivité porteuse {n}", slug=f"bench-porteur-{n}", kind="public") for n in range(300)]
    )
    themes = Thematique.objects.bulk_create(
        [Thematique(name=f"Thème {word} {n}", slug=f"bench-theme-{n}") for n, word in enumerate(WORDS)]
    )
    services = []
    filler = filler_vocabulary(rng)
    for n in range(SERVICES - Service.objects.count()):
        # Each service names one or two real needs; the rest of its text is filler (Zipf-like reuse).
        real = rng.sample(WORDS, 2)
        words = [filler[min(int(rng.paretovariate(1.2)) - 1, len(filler) - 1)] for _ in range(40)]
        services.append(
            Service(
                name=f"{filler[rng.randrange(len(filler))].capitalize()} {real[0]} {n}",
                slug=f"bench-service-{n}",
                summary=f"Un outil pour {real[1]} et {' '.join(words[:4])} des communes.",
                description=" ".join(words),
                code_status=rng.choice(["open", "opening", "closed", "unknown"]),
                stage=rng.choice(["construction", "acceleration", "perennisation", "abandon", "unknown"]),
                porteur=rng.choice(porteurs),
                france_relance=rng.random() < 0.2,
            )
        )
    services = Service.objects.bulk_create(services, batch_size=2000)
    through = Service.themes.through
    through.objects.bulk_create(
        [through(service=s, thematique=t) for s in services for t in rng.sample(themes, 2)], batch_size=5000
    )
    departements = list(Departement.objects.values_list("code", flat=True))
    Deployment.objects.bulk_create(
        [
            Deployment(
                service=rng.choice(services),
                departement_id=rng.choice(departements),
                other_body=f"Mairie {n}",
                state=UsageState.PUBLISHED,
            )
            for n in range(DEPLOYMENTS)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(client, path, params, rounds):
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path, params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, params, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    use_bench_database()
    fill()
    from catalogue.models import Deployment, Service
    from catalogue.search import search_services

    print(f"database {BENCH_DATABASE}: {Service.objects.count()} services, {Deployment.objects.count()} deployments")
    print("\nsearch (count + first page of 20), in SQL:")
    print(f"{'q':22} {'results':>8} {'p50 ms':>8} {'p95 ms':>8}")
    all_timings = []
    for q in QUERIES:
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            results = search_services(Service.objects.published(), q)
            count = results.count()
            list(results[:20])
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        all_timings += timings
        print(f"{q:22} {count:8} {statistics.median(timings):8.1f} {timings[int(len(timings) * 0.95) - 1]:8.1f}")
    all_timings.sort()
    p95 = all_timings[int(len(all_timings) * 0.95) - 1]
    print(f"{'all queries':22} {'':8} {statistics.median(all_timings):8.1f} {p95:8.1f}")

    client = Client()
    slug = Service.objects.order_by("pk").values_list("slug", flat=True)[5000]
    print("\npages in process (Django test client, full middleware), p50 / p95 ms and requests per second:")
    with override_settings(SECURE_SSL_REDIRECT=False, ALLOWED_HOSTS=["testserver"]):
        for path, params in [
            ("/services/", {}),
            ("/services/", {"q": "covoiturage"}),
            ("/services/", {"q": "inclusion numérique", "code": "open"}),
            (f"/services/{slug}/", {}),
            ("/api/services/", {}),
            ("/api/services/", {"q": "logement"}),
        ]:
            p50, p95 = timed(client, path, params, rounds)
            label = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
            print(f"{label:48} {p50:7.1f} {p95:7.1f} {1000 / p50:7.1f} req/s")


if __name__ == "__main__":
    main()
