"""The webhooks' background loops, started by the service's composition root."""

from __future__ import annotations

from nats.js import JetStreamContext

from lifecase_notifications.settings import NotificationsSettings
from lifecase_notifications.webhooks.handlers import DURABLE, WebhookHandlers
from lifecase_notifications.webhooks.sender import DeliveryPolicy, WebhookSender
from lifecase_platform import messaging
from lifecase_platform.db import SessionFactory
from lifecase_platform.runtime import Runtime


def policy_of(settings: NotificationsSettings) -> DeliveryPolicy:
    return DeliveryPolicy(
        timeout_seconds=settings.webhook_timeout_seconds,
        retry_base_seconds=settings.webhook_retry_base_seconds,
        retry_max_seconds=settings.webhook_retry_max_seconds,
        max_attempts=settings.webhook_max_attempts,
        pause_after_failures=settings.webhook_pause_after_failures,
        poll_seconds=settings.webhook_poll_seconds,
        admins=tuple(settings.webhook_admins),
    )


def start_webhooks(
    runtime: Runtime,
    js: JetStreamContext,
    sessions: SessionFactory,
    settings: NotificationsSettings,
) -> None:
    """Record deliveries from the event stream (a consumer of its own), and send them."""
    consumer = messaging.BatchConsumer(
        js,
        durable=DURABLE,
        inbox=messaging.Inbox(sessions=sessions, consumer=DURABLE),
        handlers=WebhookHandlers().registry(),
        ack_wait=settings.consumer_ack_wait_seconds,
        max_deliver=settings.consumer_max_deliver,
        linger=settings.consumer_linger_seconds,
        batch=200,
    )
    runtime.spawn("webhooks-consumer", consumer.run)
    runtime.spawn("webhooks-sender", WebhookSender(sessions, policy_of(settings)).run)
