"""Old records brought up to date when a database is opened.

Forum topics: before each forum topic was a subscriber of its own, a group subscribed from
inside a topic was stored under the chat's id with that topic's ``thread_id``, and every
message it got went to that thread. It *was* that topic's subscription, so it becomes the
topic's subscriber (``<chat>:<thread>``) with its settings, private feed token, delivery
history (nothing it had is sent again) and held notices; the chat's General topic is then
free to subscribe on its own. Deliveries therefore go exactly where they went before.
"""

from __future__ import annotations

import logging

from bot.store.logs import DeliveryLog
from bot.store.news import HeldNotices
from bot.store.repositories import SubscriberRepository
from calendars.subscribers import subscriber_id

__all__ = ["migrate_topic_subscribers"]

logger = logging.getLogger(__name__)


def migrate_topic_subscribers(
    subscribers: SubscriberRepository, deliveries: DeliveryLog, held: HeldNotices
) -> int:
    """Give legacy topic subscribers their topic's id; how many were migrated.

    The caller runs it in one transaction, so a crash leaves either the old records or the
    new ones. A topic subscriber made since (its id is taken) is newer and wins.
    """
    legacy = [s for s in subscribers.all() if s.is_legacy_topic]
    renamed: dict[str, str] = {}
    for old in legacy:
        new_id = subscriber_id(old.id, old.thread_id)
        if new_id not in subscribers:
            subscribers.save(old.replace(id=new_id))
            held.move(old.id, new_id)
            renamed[old.id] = new_id
        subscribers.remove(old.id)
        logger.info("subscriber.migrated id=%s to=%s reason=forum_topic", old.id, new_id)
    deliveries.carry_over(renamed)
    return len(legacy)
