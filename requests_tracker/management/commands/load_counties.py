"""Load U.S. counties with their Census FIPS codes.

Why: every request, response and figure hangs off a county, and FIPS codes are how newsrooms
join our data to theirs. California's 58 load by default on setup; other states on demand.
The list comes from the `us` package (Census county names and 5-digit FIPS codes). Idempotent:
existing counties keep their sanctuary status; names and slugs are refreshed.
"""

import us
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from requests_tracker.models import County


def _counties_for(states):
    for state in states:
        for county in state.counties or []:
            yield state.abbr, county.name, county.fips


class Command(BaseCommand):
    help = "Load counties with Census FIPS codes (California by default)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--state", help="Two-letter USPS code of the state to load, e.g. NY.")
        group.add_argument(
            "--all", action="store_true", help="Every county of the 50 states, DC and territories."
        )

    def handle(self, *args, **options):
        if options["all"]:
            states = us.states.STATES_AND_TERRITORIES + [us.states.DC]
        else:
            code = (options["state"] or "CA").upper()
            state = us.states.lookup(code)
            if state is None or not state.counties:
                raise CommandError(f"No counties known for state {code!r}.")
            states = [state]
        rows = {fips: (abbr, name) for abbr, name, fips in _counties_for(states)}
        with transaction.atomic():
            existing = {county.fips: county for county in County.objects.filter(fips__in=rows)}
            new, changed = [], []
            for fips, (abbr, name) in rows.items():
                slug = slugify(name)
                county = existing.get(fips)
                if county is None:
                    new.append(County(fips=fips, name=name, state=abbr, slug=slug))
                elif (county.name, county.state, county.slug) != (name, abbr, slug):
                    county.name, county.state, county.slug = name, abbr, slug
                    changed.append(county)
            bulk_create_with_history(new, County, batch_size=1000)
            bulk_update_with_history(changed, County, ["name", "state", "slug"], batch_size=1000)
        self.stdout.write(
            f"{len(rows)} counties: {len(new)} added, {len(changed)} updated, "
            f"{len(rows) - len(new) - len(changed)} unchanged."
        )
