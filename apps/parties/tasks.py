from celery import shared_task

from apps.parties import services


@shared_task
def purge_party_chat() -> int:
    """Chat and voice of parties ended 24 h ago (on the demo clock); safe to run twice."""
    return services.chat_purge()
