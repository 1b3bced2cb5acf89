"""`manage.py fetch_mail`

Why it exists: beat reads the newsroom mailbox every MAIL_IN_FETCH_SECONDS; someone setting up
mail in, or waiting for a county's reply, wants to read it now and see what happened. It does
exactly what the beat job does (services.mail.fetch_mail): new messages become draft responses or
wait in the inbox's unmatched queue, and each is marked read only once it is kept, so running it
twice keeps nothing twice. docs/mail-in.md.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from requests_tracker.services import mail


class Command(BaseCommand):
    help = "Read new messages from the newsroom mailbox (MAIL_IN_IMAP_*) into the inbox."

    def handle(self, *args: object, **options: object) -> None:
        if mail.mailbox_settings() is None:
            raise CommandError("No mailbox is set up: set MAIL_IN_IMAP_HOST (docs/mail-in.md).")
        try:
            result = mail.fetch_mail()
        except mail.MailboxError as error:
            raise CommandError(f"The mailbox could not be read: {error}") from error
        self.stdout.write(
            f"{result.fetched} messages read: {result.drafts} draft responses, "
            f"{result.unmatched} unmatched, {result.refused} refused, "
            f"{result.duplicates} already kept."
        )
