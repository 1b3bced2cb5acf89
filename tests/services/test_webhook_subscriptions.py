"""subscribe_webhook, update_webhook_subscription, delete_webhook_subscription: who gets a signed
POST for new Activity (delivery itself is tested in test_webhooks.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import ActivityVerb, WebhookDelivery, WebhookSubscription
from tests.factories import make_request

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example/tracker"


def test_a_subscription_without_a_secret_gets_its_own_random_one(editor) -> None:
    first = services.subscribe_webhook(url=HOOK, actor=editor)
    second = services.subscribe_webhook(url=HOOK + "/2", actor=editor)

    assert len(first.secret) == 64 and int(first.secret, 16) >= 0
    assert first.secret != second.secret
    assert first.created_by == editor
    assert (first.is_active, first.event_types) == (True, [])


def test_a_subscription_to_an_unknown_event_type_saves_nothing(editor) -> None:
    with pytest.raises(ValidationError) as error:
        services.subscribe_webhook(
            url=HOOK, event_types=[ActivityVerb.BECAME_OVERDUE, "lunch_ordered"], actor=editor
        )
    assert "lunch_ordered" in error.value.message_dict["event_types"][0]
    assert WebhookSubscription.objects.count() == 0


def test_switching_a_disabled_subscription_back_on_clears_its_failures(editor) -> None:
    subscription = services.subscribe_webhook(url=HOOK, actor=editor)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        is_active=False, consecutive_failures=5, disabled_reason="Disabled after 5 failed"
    )

    services.update_webhook_subscription(subscription=subscription, is_active=True, actor=editor)

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)
    assert subscription.disabled_reason == ""


def test_the_failure_count_cannot_be_edited_directly(editor) -> None:
    subscription = services.subscribe_webhook(url=HOOK, actor=editor)
    with pytest.raises(ValidationError) as error:
        services.update_webhook_subscription(
            subscription=subscription, consecutive_failures=0, actor=editor
        )
    assert list(error.value.message_dict) == ["consecutive_failures"]


def test_deleting_a_subscription_takes_its_delivery_log_with_it(editor) -> None:
    subscription = services.subscribe_webhook(url=HOOK, actor=editor)
    make_request()
    assert len(services.fan_out_activity()) == 1

    services.delete_webhook_subscription(subscription=subscription, actor=editor)

    assert WebhookSubscription.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
