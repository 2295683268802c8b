"""The dashboard's reach panel: a dot per neighbourhood coloured by what its residents can reach by
public transport within 45 minutes, with live vacancies and training venues (docs/reach.md)."""

from django.utils.safestring import SafeString

from apprenticeships.models import CourseOffer, Neighbourhood, OfferLocation, Vacancy
from lcr_skills.maps import Dot, DotClass, dot_map

CLASSES = (
    DotClass("Neighbourhood: reach not worked out yet", "#505a5f", "ring"),
    DotClass("Neighbourhood: reaches under a quarter of vacancies and venues", "#d4351c", "circle"),
    DotClass("Neighbourhood: reaches a quarter to a half", "#f47738", "circle"),
    DotClass("Neighbourhood: reaches half or more", "#00703c", "circle"),
    DotClass("Cut-off neighbourhood (deprived, mostly without a car, little in reach)", "#4c2c92", "ring", 5.5),
    DotClass("Live vacancy", "#1d70b8", "triangle", 4.5),
    DotClass("Training venue", "#ffdd00", "square", 4),
)
UNKNOWN, LITTLE, SOME, MOST, CUT_OFF, VACANCY, VENUE = range(len(CLASSES))


def _kind(row: dict, destinations: int) -> int:
    if row["cut_off"]:
        return CUT_OFF
    if row["vacancies_within_45_min"] is None or not destinations:
        return UNKNOWN
    share = (row["vacancies_within_45_min"] + row["venues_within_45_min"]) / destinations
    return LITTLE if share < 0.25 else SOME if share < 0.5 else MOST


def reach_map(rows: list[dict]) -> SafeString:
    """The city region's neighbourhoods as dots, coloured by reach, with vacancies and venues."""
    centres = {
        code: (lat, lon) for code, lat, lon in Neighbourhood.objects.values_list("code", "latitude", "longitude")
    }
    vacancies = list(Vacancy.objects.filter(status=Vacancy.Status.LIVE).values_list("latitude", "longitude"))
    venues = list(
        OfferLocation.objects.filter(offer__status=CourseOffer.Status.OPEN)
        .values_list("latitude", "longitude")
        .distinct()
    )
    destinations = len(vacancies) + len({(round(a, 5), round(b, 5)) for a, b in venues})
    dots = [
        Dot(*centres[row["lsoa_code"]], _kind(row, destinations), f"{row['lsoa_name']}")
        for row in rows
        if row["lsoa_code"] in centres
    ]
    # Only those inside the region's frame: a vacancy in Manchester would shrink the map to a smudge.
    lats = [d.latitude for d in dots] or [0.0]
    lons = [d.longitude for d in dots] or [0.0]

    def inside(lat: float, lon: float) -> bool:
        return min(lats) - 0.02 <= lat <= max(lats) + 0.02 and min(lons) - 0.03 <= lon <= max(lons) + 0.03

    dots += [Dot(lat, lon, VACANCY, "Live vacancy") for lat, lon in vacancies if inside(lat, lon)]
    dots += [Dot(lat, lon, VENUE, "Training venue") for lat, lon in venues if inside(lat, lon)]
    return dot_map(
        chart_id="chart-reach-map",
        title="What residents can reach by public transport within 45 minutes",
        desc=(
            "A dot at the population centre of each of the city region's neighbourhoods (2021 LSOAs), "
            "by the share of live vacancies and training venues it reaches by public transport within "
            "45 minutes, arriving by 08:45; cut-off neighbourhoods ringed; live vacancies as triangles "
            "and training venues as squares. The cut-off neighbourhoods table gives every figure."
        ),
        classes=CLASSES,
        dots=dots,
    )
