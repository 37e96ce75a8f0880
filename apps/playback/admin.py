from django.contrib import admin

from apps.playback.models import PlaybackPreference, Progress, TitleProgress


@admin.register(Progress)
class ProgressAdmin(admin.ModelAdmin):
    list_display = ["profile", "title", "episode", "position_seconds", "duration_seconds"]
    list_display += ["completed_at", "watched_at"]
    list_select_related = ["profile", "title", "episode__season"]
    raw_id_fields = ["profile", "title", "episode"]
    readonly_fields = [
        "seek_seq",
        "last_seq",
        "newest_position",
        "recent_report_ids",
        "session_id",
        "event_position",
    ]
    date_hierarchy = "watched_at"


@admin.register(TitleProgress)
class TitleProgressAdmin(admin.ModelAdmin):
    list_display = ["profile", "title", "shelf", "episode", "position_seconds", "watched_at"]
    list_display += ["finished_at", "hidden_at"]
    list_filter = ["shelf"]
    list_select_related = ["profile", "title", "episode__season"]
    raw_id_fields = ["profile", "title", "episode"]
    readonly_fields = ["recent_completions", "episodes_completed"]


@admin.register(PlaybackPreference)
class PlaybackPreferenceAdmin(admin.ModelAdmin):
    list_display = ["profile", "subtitles", "audio", "autoplay_next", "updated_at"]
    list_select_related = ["profile"]
    raw_id_fields = ["profile"]
