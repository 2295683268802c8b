from django.contrib import admin
from django.http import HttpRequest

from apprenticeships.admin import HubAdmin
from matching.models import Gap, IntroductionRequest, MatchRun, ScoringModel, Suggestion, SuggestionEvent


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
    list_display = ["suggestion", "action", "actor_role", "from_code", "to_code", "reason_code", "created_at"]
    list_filter = ["action", "actor_role"]
    list_select_related = ["suggestion"]

    # The trail as recorded: the stored codes, not their labels.
    @admin.display(description="from status", ordering="from_status")
    def from_code(self, event: SuggestionEvent) -> str:
        return event.from_status

    @admin.display(description="to status", ordering="to_status")
    def to_code(self, event: SuggestionEvent) -> str:
        return event.to_status

    @admin.display(description="reason", ordering="reason")
    def reason_code(self, event: SuggestionEvent) -> str:
        return event.reason


@admin.register(Gap)
class GapAdmin(ReadOnlyHubAdmin):
    list_display = ["vacancy", "reason", "run", "updated_at"]
    list_filter = ["reason"]


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyHubAdmin):
    list_display = ["version", "status", "sklearn_version", "created_at", "promoted_at"]
    list_filter = ["status"]
    exclude = ["artefact"]


@admin.register(IntroductionRequest)
class IntroductionRequestAdmin(ReadOnlyHubAdmin):
    """Decided on the review queue's request pages (one decision, e-mails sent); the admin only shows them."""

    list_display = ["id", "employer", "course_offer", "vacancy", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["employer", "course_offer", "vacancy"]
    search_fields = ["=id", "employer__name", "course_offer__provider__name"]
