"""Tests of mail in; dovecot.py holds the `imap_server` fixture, a real Dovecot."""
