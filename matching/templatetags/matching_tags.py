"""Words and figures for the matching pages: feature names, reasons, status tags, model figures."""

import math

from django import template

from matching.models import EVENT_REASONS, ScoringModel, Suggestion, SuggestionEvent

register = template.Library()

# What each feature of a suggestion measures, as the explanation and weights tables name it.
FEATURE_LABELS = {
    "distance_km": "Distance",
    "text_similarity": "How well the descriptions match",
    "start_gap_days": "Start date",
    "delivery_fit": "Delivery modes",
    "ofsted_grade": "Ofsted grade",
    "achievement_rate": "Achievement rate",
    "price_ratio": "Price against the funding band",
    "places_left": "Places left in the cohort",
    "provider_share": "Provider's record with the hub",
}

STATUS_COLOURS = {
    Suggestion.Status.SUGGESTED: "blue",
    Suggestion.Status.APPROVED: "turquoise",
    Suggestion.Status.ACCEPTED: "turquoise",
    Suggestion.Status.AGREED: "green",
    Suggestion.Status.REJECTED: "red",
    Suggestion.Status.DECLINED: "orange",
    Suggestion.Status.ENDED: "grey",
    ScoringModel.Status.ACTIVE: "green",
    ScoringModel.Status.CANDIDATE: "grey",
    ScoringModel.Status.RETIRED: "grey",
}

STATUS_LABELS = dict(Suggestion.Status.choices)
ACTION_LABELS = dict(SuggestionEvent.Action.choices)
# A hub rejection's reason, or why an introduction ended (the audit trail's reason column holds either).
REASON_LABELS = dict(EVENT_REASONS)


@register.filter
def feature_label(name: str) -> str:
    return FEATURE_LABELS.get(name, name.replace("_", " ").capitalize())


@register.filter
def status_tag(status: str) -> str:
    """The GOV.UK tag classes for a suggestion's or a model's status."""
    return f"govuk-tag govuk-tag--{STATUS_COLOURS.get(str(status), 'grey')}"


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(str(status), str(status))


@register.filter
def action_label(action: str) -> str:
    return ACTION_LABELS.get(str(action), str(action))


@register.filter
def reject_reason(reason: str) -> str:
    return REASON_LABELS.get(str(reason), str(reason))


@register.filter
def figure(value: float | None, places: int = 3) -> str:
    """A model's measure to `places` decimal places, or a dash where there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{places}f}"


@register.filter
def leans_on(params: dict) -> list[dict]:
    """A trained model's features, the one it leans on most first: its share of the model's reliance,
    and which way a better value pushes (its coefficient, in log-odds per standard deviation)."""
    shares, coefficients = params.get("leans_on") or {}, params.get("coefficients") or {}
    rows = [
        {"feature": name, "share": share, "coefficient": coefficients.get(name, 0.0)} for name, share in shares.items()
    ]
    return sorted(rows, key=lambda row: -row["share"])


@register.filter
def learnt(model_version: str) -> bool:
    """Whether a model version was trained on the hub's decisions (its score is a chance of approval)."""
    return str(model_version or "").startswith("trained-")
