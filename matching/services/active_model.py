"""The scoring model in use: which one it is, putting another in use, and the prior it starts from."""

import logging

from django.db import transaction
from django.utils import timezone

from matching.ml.scoring import IncompatibleModel, Matcher, matcher_loads, prior_matcher
from matching.models import ScoringModel, StandardSlack
from matching.services.market import standards_corpus

logger = logging.getLogger(__name__)


def matcher_active_ensure() -> tuple[ScoringModel, Matcher]:
    """The model in use and its matcher; writes the documented prior and puts it in use when there is
    none yet (or the prior in use was saved by another scikit-learn)."""
    model = ScoringModel.objects.filter(status=ScoringModel.Status.ACTIVE).first()
    if model is not None:
        try:
            return model, matcher_loads(bytes(model.artefact))
        except IncompatibleModel:
            logger.warning("active model %s needs rebuilding for this scikit-learn", model.version)
            if not model.version.startswith("prior"):
                raise
    return _prior_install()


def _prior_install() -> tuple[ScoringModel, Matcher]:
    """Build the prior from the standards' words, store it (again) and put it in use."""
    matcher = prior_matcher(standards_corpus())
    values = {"artefact": matcher.dumps(), "sklearn_version": matcher.sklearn_version, "params": matcher.params}
    with transaction.atomic():
        model, created = ScoringModel.objects.update_or_create(version=matcher.version, defaults=values)
        _activate(model, rebuilt=not created)
    return model, matcher


@transaction.atomic
def model_activate(version: str) -> ScoringModel:
    """Put a stored model in use (a promotion, or a roll-back to an earlier version)."""
    model = ScoringModel.objects.select_for_update().get(version=version)
    matcher_loads(bytes(model.artefact))  # refuse one this scikit-learn can't load
    _activate(model)
    model.refresh_from_db()
    return model


def _activate(model: ScoringModel, *, rebuilt: bool = False) -> None:
    """Retire the model in use and put this one in its place (inside the caller's transaction); `rebuilt`:
    its artefact was made again (the prior, for another scikit-learn)."""
    retired = (
        ScoringModel.objects.filter(status=ScoringModel.Status.ACTIVE)
        .exclude(pk=model.pk)
        .update(status=ScoringModel.Status.RETIRED)
    )
    ScoringModel.objects.filter(pk=model.pk).update(status=ScoringModel.Status.ACTIVE, promoted_at=timezone.now())
    # Every score changes: no slack holds until a whole solve with this model. The first model in use
    # replaces none, so no run has kept a slack with another (and a run it starts keeps its own).
    if retired or rebuilt:
        StandardSlack.forget()
