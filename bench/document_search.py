"""Search over uploaded documents: `/search/` for a common word, a rare word and a missing word,
over N pages of document text, as an anonymous reader of a public instance.

It creates a throwaway database beside the one the settings name (Django's test database,
`test_<name>`: your data is never touched; with DATABASE_URL unset, on the embedded server),
stores N pages of text in documents of 10 pages each (pages of --words words, "sheriff" on
every page, "roster" on one page in ten), reads them as the worker would, then requests each
search `--repeats` times through the app (Django's test client: the view, its queries and its
template, without a network) and reports the median and the slowest time of each, in ms.

    .venv/bin/python -m bench.document_search [--pages 100] [--words 2000] [--repeats 21]

The target (docs/performance.md): `/search/?q=sheriff` over 100 pages under 200 ms, median.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="search-bench-")
os.environ["TRACKER_PUBLIC"] = "true"
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from requests_tracker import services  # noqa: E402
from requests_tracker.services import documents  # noqa: E402
from tests.documents import text_pdf, upload  # noqa: E402

WORDS = [
    "county",
    "jail",
    "custody",
    "release",
    "booking",
    "detainer",
    "federal",
    "request",
    "letter",
    "records",
    "immigration",
    "status",
    "deputy",
    "inmate",
    "court",
    "warrant",
    "subpoena",
    "compliance",
    "department",
    "justice",
    "response",
]
QUERIES = {"common word": "sheriff", "rare word": "roster", "missing word": "quokkaphant"}


def page_text(rng: random.Random, number: int, size: int) -> str:
    words = [rng.choice(WORDS) for _ in range(size)]
    words[rng.randrange(size)] = "sheriff"
    if number % 10 == 0:
        words[rng.randrange(size)] = "roster"
    return " ".join(words)


def store(pages: int, words: int) -> None:
    rng = random.Random(7)
    for document in range(0, pages, 10):
        texts = [page_text(rng, document + n, words) for n in range(min(10, pages - document))]
        source = services.add_source(
            title=f"Jail records, part {document // 10 + 1}",
            file=upload("records.pdf", text_pdf(texts)),
            kind="primary_document",
        )
        documents.extract_source_text(source_id=source.pk)


def timed(client: Client, query: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get("/search/", {"q": query})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--words", type=int, default=2000, help="words per page (2,000)")
    options = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        store(options.pages, options.words)
        print(
            f"{options.pages} pages of {options.words:,} words stored and read in "
            f"{time.perf_counter() - started:.1f} s"
        )
        rates = {"anon": "100000/min", "user": "100000/min"}
        with override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": rates}):
            client = Client()
            timed(client, "warm", 3)
            for label, query in QUERIES.items():
                times = timed(client, query, options.repeats)
                print(
                    f"/search/?q={query} ({label}): median {statistics.median(times):.1f} ms, "
                    f"slowest {max(times):.1f} ms over {options.repeats}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
