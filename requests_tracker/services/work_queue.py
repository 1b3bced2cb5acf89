"""Handing work to the Celery worker once a write has committed.

The database is the record of pending work (a document waiting to be read, Activity not yet
offered to webhooks), so a task message is only a wake-up call: when the broker cannot take it,
the write stands and a beat sweep finds the work later. A broker that is down is logged as a
warning; anything else (a task that is not registered, a message that cannot be encoded) is a
bug and is logged as an error with its traceback, never as "broker unreachable".
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: Any, what: str) -> bool:
    """Queue the task registered as `task_name` (tasks.py; the app's ready() registers them in
    every process) with `args`; True when the broker took it. Services name the task rather
    than import it, so tasks.py (which calls the services) and the services do not import
    each other. `what` names the work in the log ("reading source 12"). Never raises: the
    write that asked for it has already committed."""
    try:
        current_app.tasks[task_name].delay(*args)
    except (BrokerUnreachable, ConnectionError) as error:
        logger.warning("Broker unreachable (%s): %s waits for the next sweep.", error, what)
        return False
    except Exception:
        logger.exception("Could not queue %s; it waits for the next sweep.", what)
        return False
    return True
