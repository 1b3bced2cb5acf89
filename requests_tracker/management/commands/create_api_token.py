"""Create (or show, or replace) the API token of a user.

Why: API clients (a data desk's scripts, another newsroom's dashboard) authenticate with a token
sent as `Authorization: Token <key>`. Editors can also make one in the admin; this command is for
setting up a client from a shell. What the token may do is what its user's role allows.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from requests_tracker import permissions


class Command(BaseCommand):
    help = "Print the API token of USER, creating one if needed (--rotate replaces it)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the token acts as.")
        parser.add_argument(
            "--rotate",
            action="store_true",
            help="Replace the user's token with a new one; clients using the old one stop working.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: options["username"]})
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if not user.is_active:
            raise CommandError(f"{user} is inactive: a token would not authenticate.")
        with transaction.atomic():
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        role = permissions.role_of(user)
        if role is None:
            self.stderr.write(
                self.style.WARNING(
                    f"{user} has no tracker role (viewer, journalist or editor): the API will "
                    "answer 403 until an editor adds one."
                )
            )
        if options["verbosity"] > 1:
            state = "created" if created else "existing"
            self.stderr.write(f"{state} token for {user} (role: {role or 'none'})")
        self.stdout.write(token.key)
