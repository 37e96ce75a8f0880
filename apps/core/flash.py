"""Flash messages said once: a double-click's second request carries the first one's message
still waiting to be shown, and the next page said "Welcome to Standard!" twice (QA9)."""

from django.contrib import messages


def say_once(request, level: int, message: str) -> None:
    """Add `message` unless the very same one is already waiting to be shown."""
    storage = messages.get_messages(request)
    # Looking at what waits must not mark it shown (iterating the storage would).
    waiting = [
        *getattr(storage, "_loaded_messages", []),
        *getattr(storage, "_queued_messages", []),
    ]
    if any(m.level == level and m.message == str(message) for m in waiting):
        return
    messages.add_message(request, level, message)
