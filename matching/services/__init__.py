"""Matching's writes and business rules: runs, hub decisions and introductions, model training."""

from matching.services.decisions import (
    DecisionConflict,
    introduction_send,
    party_contacts,
    party_of,
    suggestion_approve,
    suggestion_reject,
    suggestion_respond,
)
from matching.services.runs import (
    RunInProgress,
    chunk_compute,
    match_standards,
    matcher_active,
    rematch_after_commit,
    rematch_standards,
    results_write,
    run_fail,
    run_finalize,
    run_full_now,
    run_full_start,
    run_prepare,
)
from matching.services.training import NotEnoughDecisions, decisions_dataset, matcher_retrain, model_activate

__all__ = [
    "NotEnoughDecisions",
    "decisions_dataset",
    "matcher_retrain",
    "model_activate",
    "DecisionConflict",
    "introduction_send",
    "party_contacts",
    "party_of",
    "suggestion_approve",
    "suggestion_reject",
    "suggestion_respond",
    "RunInProgress",
    "chunk_compute",
    "match_standards",
    "matcher_active",
    "rematch_after_commit",
    "rematch_standards",
    "results_write",
    "run_fail",
    "run_finalize",
    "run_full_now",
    "run_full_start",
    "run_prepare",
]
