"""Time the Decidim import of a 10,000-row open-data CSV (plus 20,000 comments), first run and re-run.

Usage: .venv/bin/python bench/decidim_import.py   (uses the database ``portail_bench``, see bench/catalogue.py)
"""

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incubateur.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from bench.catalogue import use_bench_database  # noqa: E402
from tests.consultation.exports import HOST, V023_HEADER, proposal_url, v023_row  # noqa: E402

ROWS, COMMENTS = 10_000, 20_000


def write_files(folder: Path) -> list[Path]:
    proposals, comments = io.StringIO(), io.StringIO()
    writer = csv.writer(proposals, delimiter=";", lineterminator="\n")
    # The column layout of a Decidim 0.23-0.25 export, rows written as the importer's tests write them.
    writer.writerow(V023_HEADER)
    for n in range(1, ROWS + 1):
        body = f"<p>Besoin numéro {n} : prendre rendez-vous, réserver une salle.</p>\n<p>Deuxième paragraphe {n}.</p>"
        writer.writerow(
            v023_row(
                n,
                f"Proposition {n} sur la relation aux usagers",
                body,
                state=["", "accepted", "rejected", "evaluating"][n % 4],
                supports=n % 50,
                category=(str(n % 13), f"Catégorie {n % 13}"),
                scope="Ardèche" if n % 7 == 0 else "",
                answer="<p>Réponse.</p>" if n % 4 == 1 else "",
            )
        )
    writer = csv.writer(comments, delimiter=";", lineterminator="\n")
    writer.writerow(
        [
            "id",
            "created_at",
            "body",
            "locale",
            "author/id",
            "author/name",
            "alignment",
            "depth",
            "user_group/id",
            "commentable_id",
            "commentable_type",
            "root_commentable_url",
        ]
    )
    for n in range(1, COMMENTS + 1):
        proposal = 1 + n % ROWS
        reply = n > ROWS
        writer.writerow(
            [
                n,
                "2021-03-01 09:00:00 +0100",
                f"Commentaire {n}",
                "fr",
                "",
                "",
                n % 3 - 1,
                int(reply),
                "",
                n - ROWS if reply else proposal,
                "Decidim::Comments::Comment" if reply else "Decidim::Proposals::Proposal",
                proposal_url(proposal),
            ]
        )
    paths = [folder / "bench-open-data-proposals.csv", folder / "bench-open-data-proposal_comments.csv"]
    paths[0].write_text(proposals.getvalue(), encoding="utf-8")
    paths[1].write_text(comments.getvalue(), encoding="utf-8")
    return paths


def main():
    use_bench_database()
    call_command("migrate", verbosity=0)
    from consultation.models import Comment, Contribution

    Contribution.objects.filter(decidim_host=HOST).delete()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_files(Path(folder))
        for label in ("first import", "second import (nothing changes)"):
            start = time.perf_counter()
            call_command("import_decidim", *paths, verbosity=0, stdout=io.StringIO())
            print(f"{label}: {time.perf_counter() - start:.1f} s")
    print(
        f"{Contribution.objects.filter(decidim_host=HOST).count()} contributions, "
        f"{Comment.objects.filter(decidim_host=HOST).count()} comments"
    )


if __name__ == "__main__":
    main()
