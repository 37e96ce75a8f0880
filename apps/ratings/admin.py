from django.contrib import admin

from apps.core.admin_readonly import ReadOnlyAdmin
from apps.ratings.models import Rating


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """View only: a rating changes through `services.rating_set`, which records the event the
    recommender learns from; an edit here would leave the event log saying otherwise."""

    list_display = ["updated_at", "profile", "title", "value"]
    list_filter = ["value"]
    search_fields = ["title__name", "profile__name"]
    date_hierarchy = "updated_at"
    list_select_related = ["profile", "title"]
    raw_id_fields = ["profile", "title"]
    show_full_result_count = False
