from django.contrib import admin
from django.http import HttpRequest

from apprenticeships.admin import HubAdmin
from matching.models import Gap, MatchRun, ScoringModel, Suggestion, SuggestionEvent


class ReadOnlyHubAdmin(HubAdmin):
    """Written by the matcher and by decisions through their services; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyHubAdmin):
    list_display = ["id", "kind", "status", "progress", "model_version", "created_at", "finished_at"]
    list_filter = ["kind", "status"]


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyHubAdmin):
    list_display = ["id", "vacancy", "course_offer", "cohort", "score", "rank", "status", "version"]
    list_filter = ["status", "rank"]
    list_select_related = ["vacancy", "course_offer", "cohort"]
    search_fields = ["=id", "vacancy__title", "course_offer__provider__name"]


@admin.register(SuggestionEvent)
class SuggestionEventAdmin(ReadOnlyHubAdmin):
    list_display = ["suggestion", "action", "actor_role", "from_status", "to_status", "reason", "created_at"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["suggestion"]


@admin.register(Gap)
class GapAdmin(ReadOnlyHubAdmin):
    list_display = ["vacancy", "reason", "run", "updated_at"]
    list_filter = ["reason"]


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyHubAdmin):
    list_display = ["version", "status", "sklearn_version", "created_at", "promoted_at"]
    list_filter = ["status"]
    exclude = ["artefact"]
