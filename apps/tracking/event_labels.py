"""Event names as an admin reads them ("play_started" -> "Playback started"), pure.

`Event.name` stays the code services and browsers write and admins search by; only what the
admin shows goes through `event_label` (the event log, the experiment and campaign reports'
metrics). A name with no label here (a new event) is shown as its words ("party_paused" ->
"Party paused"), never dropped.
"""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    # Viewing
    "play_started": _("Playback started"),
    "play_progress": _("Playback progress"),
    "play_completed": _("Playback finished"),
    "player_play": _("Player: play"),
    "player_pause": _("Player: pause"),
    "player_seek": _("Player: seek"),
    "player_ended": _("Player: played to the end"),
    "player_fullscreen": _("Player: full screen"),
    "preview_start": _("Preview started"),
    "preview_stop": _("Preview stopped"),
    "download_added": _("Download added"),
    # Browsing
    "page_view": _("Page viewed"),
    "row_seen": _("Row seen"),
    "card_seen": _("Title card seen"),
    "title_viewed": _("Title page viewed"),
    "search": _("Search"),
    "rating": _("Rating"),
    "my_list_add": _("Added to My list"),
    "my_list_remove": _("Removed from My list"),
    "remind_me": _("Reminder changed"),
    "continue_watching_remove": _("Removed from Continue watching"),
    "continue_watching_restore": _("Restored to Continue watching"),
    "episode_released": _("New episode out"),
    "title_released": _("Reminded title out"),
    # Onboarding and account
    "account_created": _("Account created"),
    "onboarding_pick": _("Onboarding: favourite picked"),
    "onboarding_skipped": _("Onboarding: favourites skipped"),
    "onboarding_devices": _("Onboarding: devices chosen"),
    "consent_given": _("Privacy choices saved"),
    "data_use_changed": _("Data use changed"),
    "device_seen": _("Device seen"),
    "device_signed_out": _("Device signed out"),
    "devices_signed_out_all": _("All devices signed out"),
    "identity_merged": _("Anonymous browsing joined to profile"),
    "identity_merge_refused": _("Anonymous browsing kept apart"),
    "support_request_sent": _("Contact request sent"),
    # Subscriptions
    "checkout_started": _("Checkout started"),
    "subscription_started": _("Subscription started"),
    "subscription_cancel_scheduled": _("Cancellation scheduled"),
    "subscription_resumed": _("Subscription resumed"),
    "subscription_ended": _("Subscription ended"),
    "subscription_withdrawn": _("Withdrawal from subscription"),
    "payment_method_added": _("Payment method added"),
    "payment_failed": _("Payment failed"),
    "renewal_paid": _("Renewal paid"),
    "payment_postponed": _("Payment postponed"),
    "plan_change_scheduled": _("Plan change scheduled"),
    "plan_upgraded": _("Plan upgraded"),
    "member_invited": _("Member invited"),
    "member_joined": _("Member joined"),
    "student_code_sent": _("Student code sent"),
    "student_confirmed": _("Student status confirmed"),
    "cancel_reason_given": _("Cancel reason given"),
    "cancel_alternative_taken": _("Alternative to cancelling taken"),
    # Messaging
    "message_scheduled": _("Message scheduled"),
    "message_sent": _("Message sent"),
    "message_delivered": _("Message delivered"),
    "message_opened": _("Message opened"),
    "message_clicked": _("Message clicked"),
    "message_skipped": _("Message skipped"),
    "message_held_back": _("Message held back (control group)"),
    "message_unsubscribed": _("Unsubscribed from a message"),
    "message_converted": _("Message converted"),
    # Watch parties and experiments
    "party_created": _("Watch party started"),
    "party_joined": _("Watch party joined"),
    "party_left": _("Watch party left"),
    "party_message_sent": _("Watch party message"),
    "party_reaction": _("Watch party reaction"),
    "experiment_exposure": _("Experiment exposure"),
}


def event_label(name: str) -> str:
    """The event's label in the active language; its words ("a_b" -> "A b") if it has none."""
    if not name:
        return ""
    label = EVENT_LABELS.get(name)
    if label is not None:
        return str(label)
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]
