"""Plain-words explanations of a suggestion's features ("12 km away · Ofsted Good · …")."""

import math

from matching.ml.features import FEATURES

OFSTED = {1: "Outstanding", 2: "Good", 3: "Requires improvement", 4: "Inadequate"}


def _weeks_or_days(days: int) -> str:
    days = abs(days)
    if days >= 14:
        return f"{round(days / 7)} weeks"
    return "1 day" if days == 1 else f"{days} days"


def feature_text(name: str, value: float, *, reader: str = "hub", context: dict | None = None) -> str:
    """One feature in words, for `reader` ("employer", "provider" or "hub"): the start date and the
    delivery modes are the employer's, so only the employer reads them as "your"."""
    whose = "your" if reader == "employer" else "the employer's"
    known = not (value is None or math.isnan(value))
    if name == "distance_km":
        return f"{value:.0f} km away" if known else "delivered online or nationally"
    if name == "text_similarity":
        strength = "closely" if value >= 0.3 else "partly" if value >= 0.1 else "hardly"
        return f"course description {strength} matches the vacancy"
    if name == "start_gap_days":
        days, date = int(value), f"{whose} start date"
        if days == 0:
            return f"starts on {date}"
        return f"starts {_weeks_or_days(days)} {'after' if days > 0 else 'before'} {date}"
    if name == "delivery_fit":
        return (
            f"offers all {whose} delivery modes" if value >= 0.999 else f"offers {value:.0%} of {whose} delivery modes"
        )
    if name == "ofsted_grade":
        return f"Ofsted {OFSTED.get(int(value), 'graded')}" if known else "no Ofsted grade yet"
    if name == "achievement_rate":
        return f"{value:.0f}% achievement rate" if known else "achievement rate not known"
    if name == "price_ratio":
        return f"price {value:.0%} of the funding band"
    if name == "places_left":
        return "1 place left" if int(value) == 1 else f"{int(value)} places left"
    if name == "travel_minutes":
        if not known:
            return "travel time by public transport not known"
        changes = (context or {}).get("travel_changes")
        if changes is None or math.isnan(changes):  # only an estimate has no count of changes
            return f"about {value:.0f} min by public transport (estimate)"
        changes = int(changes)
        said = "no change" if changes == 0 else "1 change" if changes == 1 else f"{changes} changes"
        return f"{value:.0f} min by public transport, {said}"
    if name == "travel_changes":
        if not known:
            return "changes not known"
        return "no change of bus or train" if int(value) == 0 else f"{int(value)} change{'s' if value >= 2 else ''}"
    if name == "provider_share":
        return (
            f"{value:.0%} of the hub's approved matches at the last full match"
            if value > 0
            else "no approved matches at the last full match"
        )
    return f"{name} {value}"


def explanation_rows(
    values: dict[str, float | None], contributions: dict[str, float], *, reader: str = "hub"
) -> list[dict]:
    """Every feature's value, contribution to the score and words for `reader`, biggest contribution first."""
    rows = [
        {
            "feature": name,
            "value": values.get(name),
            "contribution": contributions.get(name, 0.0),
            "text": feature_text(
                name, math.nan if values.get(name) is None else values[name], reader=reader, context=values
            ),
        }
        for name in FEATURES
    ]
    return sorted(rows, key=lambda row: -row["contribution"])


def summary(rows: list[dict], limit: int = 3) -> str:
    """The few reasons that mattered most, joined the way the pages show them."""
    order = {"distance_km": 0, "ofsted_grade": 1, "start_gap_days": 2}
    top = sorted(rows, key=lambda r: order.get(r["feature"], 3 + rows.index(r)))[:limit]
    return " · ".join(row["text"][:1].upper() + row["text"][1:] if i == 0 else row["text"] for i, row in enumerate(top))
