"""Writes and business rules. Views, the API, admin, commands and tasks all come through here."""

from apprenticeships.services.organisations import (
    employer_create,
    organisation_update,
    provider_create,
    user_create,
    user_update,
)

__all__ = ["employer_create", "organisation_update", "provider_create", "user_create", "user_update"]
