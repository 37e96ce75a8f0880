"""Who hears about recorded events: the one way other apps react to behaviour.

`track()` sends `event_recorded` for every event it is asked to record, inside the
transaction that records it, with the event's `name`, `profile_id` (None for an anonymous
visitor), `event_id`, `properties` and `created` (False when a retry found the event already
written).
A receiver keeps its own list of the event names it cares about, and defers any work with
`apps.core.queue.delay_on_commit` so that it happens only once the transaction has committed
(and never for a rolled-back one). Receivers are connected in their app's `AppConfig.ready`;
producers only call `track()` and import no receiver.

Bulk writes (`track_many`: seeders, importers) publish nothing.
"""

from django.dispatch import Signal

event_recorded = Signal()


def publish(event, *, created: bool) -> None:
    event_recorded.send(
        sender=type(event),
        name=event.name,
        profile_id=event.profile_id,
        event_id=event.pk,
        properties=event.properties,
        created=created,
    )
