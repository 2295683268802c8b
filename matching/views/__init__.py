"""Matching's web pages: runs and gaps, the hub's review of suggestions, the parties' matches, models."""

from matching.views import matches, models, review, runs

__all__ = ["matches", "models", "review", "runs"]
