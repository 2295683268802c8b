"""Shortlists: a person keeps course offers to look at again (their own list, no one else's)."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from apprenticeships.models import CourseOffer, ShortlistEntry


def shortlist_add(*, user: User, offer: CourseOffer) -> bool:
    """Put an offer on the person's shortlist; False if it was there already (adding twice keeps one)."""
    try:
        with transaction.atomic():
            _, created = ShortlistEntry.objects.get_or_create(user=user, offer=offer)
    except IntegrityError:  # the same button pressed twice at once: the other request added it
        return False
    return created


def shortlist_remove(*, user: User, offer_id: int) -> bool:
    """Take an offer off the person's shortlist; False if it was not on it."""
    deleted, _ = ShortlistEntry.objects.filter(user=user, offer_id=offer_id).delete()
    return bool(deleted)
