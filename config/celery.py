"""The Celery app. Configuration comes from Django settings (the CELERY_* names in settings.py):

- broker from CELERY_BROKER_URL: Redis in docker compose and CI, kombu's filesystem transport
  under var/ (no server) by default; publishing gives up within seconds when the broker is down,
  because the work is found again from the database (requests_tracker/tasks.py);
- JSON only (accepted, sent and stored), no result backend;
- acks_late with prefetch 1, and tasks lost with their worker are re-queued: every task is safe to
  run twice;
- time limits: CELERY_TASK_TIME_LIMIT / SOFT_TIME_LIMIT by default, tighter per task in tasks.py,
  where database and network errors are retried with exponential backoff;
- the fixed beat schedule (CELERY_BEAT_SCHEDULE): embargoes lifted (and editors reminded of
  those ending within a day) every minute, overdue check every OVERDUE_CHECK_MINUTES,
  webhook sweep every WEBHOOK_SWEEP_SECONDS, hourly digests on the hour, daily digests at
  DIGEST_DAILY_HOUR, all in TIME_ZONE.

Run: `celery -A config worker` and `celery -A config beat` (one beat per deployment is the norm;
a second one is harmless: the overdue check takes a PostgreSQL advisory lock and the other jobs
decide what to do from the database).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
