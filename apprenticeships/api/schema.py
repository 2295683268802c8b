"""Corrections drf-spectacular cannot infer from the serializers (SPECTACULAR_SETTINGS hooks)."""

from typing import Any


def offer_price_optional(result: dict[str, Any], generator: object, request: object, public: bool) -> dict[str, Any]:
    """A course offer's price is left out of another provider's offer, so responses don't always carry it."""
    offer = result["components"]["schemas"]["CourseOffer"]
    offer["required"] = [name for name in offer["required"] if name != "price"]
    return result
