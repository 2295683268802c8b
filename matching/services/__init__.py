"""Matching's writes and business rules: runs, hub decisions and introductions, model training."""

from matching.services.active_model import matcher_active_ensure, model_activate
from matching.services.decisions import (
    DecisionConflict,
    active_members,
    agreed_match_kept_send,
    introduction_ended_send,
    introduction_outcome,
    introduction_send,
    introductions_end,
    organisations_people,
    party_contacts,
    party_of,
    suggestion_approve,
    suggestion_reject,
    suggestion_respond,
)
from matching.services.rematch import vacancies_rematch, vacancy_rematch
from matching.services.results import results_write
from matching.services.runs import (
    RunInProgress,
    chunk_compute,
    match_standards,
    rematch_standards,
    run_fail,
    run_finalize,
    run_full_now,
    run_full_start,
    run_prepare,
    run_resume,
    runs_resume,
)
from matching.services.training import NotEnoughDecisions, decisions_dataset, matcher_retrain

__all__ = [
    "matcher_active_ensure",
    "model_activate",
    "NotEnoughDecisions",
    "decisions_dataset",
    "matcher_retrain",
    "DecisionConflict",
    "active_members",
    "agreed_match_kept_send",
    "introduction_ended_send",
    "introduction_outcome",
    "introduction_send",
    "introductions_end",
    "organisations_people",
    "party_contacts",
    "party_of",
    "suggestion_approve",
    "suggestion_reject",
    "suggestion_respond",
    "results_write",
    "vacancies_rematch",
    "vacancy_rematch",
    "RunInProgress",
    "chunk_compute",
    "match_standards",
    "rematch_standards",
    "run_fail",
    "run_finalize",
    "run_full_now",
    "run_full_start",
    "run_prepare",
    "run_resume",
    "runs_resume",
]
