"""`python -m bench.seed --requests N [--seed S]`: every U.S. county (load_counties --all), then N
benchmark requests (bench/seeding.py), added to what the database (DATABASE_URL) holds.

A command of its own because the seeder's module imports the models, which need Django set up
first; this one sets it up, then imports it.
"""

from __future__ import annotations

import argparse
import os
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Seed N benchmark requests over every county.")
    parser.add_argument("--requests", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=2025, metavar="S")
    options = parser.parse_args(argv)
    if options.requests < 1:
        parser.error("--requests must be 1 or more.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench import seeding

    started = time.perf_counter()
    call_command("load_counties", "--all")
    result = seeding.seed(requests=options.requests, seed=options.seed)
    print(seeding.describe(result, seed=options.seed, seconds=time.perf_counter() - started))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
