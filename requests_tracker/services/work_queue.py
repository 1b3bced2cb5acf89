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

from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


def enqueue(task: Any, *args: Any, what: str) -> bool:
    """Queue `task(*args)`; True when the broker took it. `what` names the work in the log
    ("reading source 12"). Never raises: the write that asked for it has already committed."""
    try:
        task.delay(*args)
    except (BrokerUnreachable, ConnectionError) as error:
        logger.warning("Broker unreachable (%s): %s waits for the next sweep.", error, what)
        return False
    except Exception:
        logger.exception("Could not queue %s; it waits for the next sweep.", what)
        return False
    return True
