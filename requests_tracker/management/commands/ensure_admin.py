"""Make sure a superuser exists for the quick start (and for a fresh deployment).

Why: the first login must not need an interactive prompt. The password comes from the
TRACKER_ADMIN_PASSWORD environment variable; an existing user keeps their password.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create a superuser from TRACKER_ADMIN_PASSWORD if that user does not exist yet."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("TRACKER_ADMIN_USER", "admin"))
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        with transaction.atomic():
            if User.objects.filter(username=username).exists():
                self.stdout.write(f"User {username!r} already exists; password unchanged.")
                return
            password = os.environ.get("TRACKER_ADMIN_PASSWORD")
            if not password:
                raise CommandError("Set TRACKER_ADMIN_PASSWORD to create the admin user.")
            User.objects.create_superuser(username=username, email=email, password=password)
        self.stdout.write(f"Created superuser {username!r}.")
