"""The hub's page of scoring models: each version's figures, training a new one, and rolling back."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apprenticeships.models import Role
from apprenticeships.permissions import role_required
from matching import selectors, services
from matching.ml.scoring import IncompatibleModel
from matching.models import ScoringModel


@role_required(Role.HUB)
def model_list(request: HttpRequest) -> HttpResponse:
    context = {
        "models": selectors.scoring_models(),
        "decisions": selectors.decision_counts(),
        "min_decisions": settings.MATCHER_MIN_DECISIONS,
        "min_test_decisions": settings.MATCHER_MIN_TEST_DECISIONS,
        "test_share": settings.MATCHER_TEST_SHARE,
        "min_gain": settings.MATCHER_MIN_AUC_GAIN,
        "k": settings.MATCH_SUGGESTIONS_PER_VACANCY,
    }
    return render(request, "matching/model_list.html", context)


@require_POST
@role_required(Role.HUB)
def model_train(request: HttpRequest) -> HttpResponse:
    try:
        model = services.matcher_retrain()
    except services.NotEnoughDecisions as too_few:
        messages.warning(request, f"No model was trained. {too_few}")
    else:
        outcome = model.metrics.get("outcome", "")
        if model.status == ScoringModel.Status.ACTIVE:
            messages.success(request, f"Model {model.version} was trained and is now in use. {outcome}")
        else:
            messages.warning(request, f"Model {model.version} was trained but is not in use. {outcome}")
    return redirect("matching-models")


@require_POST
@role_required(Role.HUB)
def model_activate(request: HttpRequest, version: str) -> HttpResponse:
    model = get_object_or_404(ScoringModel.objects.defer("artefact"), version=version)
    try:
        services.model_activate(model.version)
    except IncompatibleModel as stale:
        messages.error(request, f"Model {model.version} can't be used: {stale}. Train a new model instead.")
    else:
        messages.success(request, f"Model {model.version} is now in use. The next matching run scores with it.")
    return redirect("matching-models")
