"""The shipped transport reference data: neighbourhoods (2021 LSOAs) and NaPTAN stops."""

from collections import defaultdict

import numpy as np

from apprenticeships.models import DistrictNeighbourhood, LocalAuthority, Neighbourhood, PostcodeDistrict, TransitStop
from lcr_skills.geo import haversine_km

STOP_WALK_METRES = 800  # the walk issue 18 allows at each end of a journey


def neighbourhoods_wanted(read_csv, authority_ids: dict[str, int]) -> dict[str, dict]:
    """2021 LSOA centres with IMD 2019 through the 2011→2021 lookup and Census 2021 car availability.

    A split 2011 LSOA gives each 2021 part its IMD value (ONS's advice); a merged 2021 LSOA takes
    the most deprived of its 2011 parts, so that merging never hides deprivation.
    """
    imd = {row["lsoa11cd"]: (int(row["imd_rank"]), int(row["imd_decile"])) for row in read_csv("lsoa_imd2019_lcr.csv")}
    parents: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in read_csv("transport/lsoa11_lsoa21_lookup_lcr.csv"):
        parents[row["lsoa21cd"]].append(imd[row["lsoa11cd"]])
    cars = {row["lsoa21cd"]: row for row in read_csv("transport/car_availability_lsoa21_lcr.csv")}
    wanted = {}
    for row in read_csv("transport/lsoa21_pop_centroids_lcr.csv"):
        rank, decile = min(parents[row["lsoa21cd"]])
        car = cars[row["lsoa21cd"]]
        wanted[row["lsoa21cd"]] = {
            "name": row["lsoa21nm"],
            "local_authority_id": authority_ids[row["lad22cd"]],
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
            "imd_rank": rank,
            "imd_decile": decile,
            "households": int(car["households_total"]),
            "households_no_car": int(car["households_no_car"]),
        }
    return wanted


def stops_wanted(read_csv, authority_ids: dict[str, int]) -> dict[str, dict]:
    return {
        row["atco_code"]: {
            "name": " ".join(part for part in (row["common_name"], row["indicator"]) if part)[:200],
            "stop_type": row["stop_type"],
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
            "local_authority_id": authority_ids[row["lad_code"]],
        }
        for row in read_csv("transport/naptan_stops_lcr.csv")
    }


def _count_stops_nearby(neighbourhoods: dict[str, dict], stops: dict[str, dict]) -> None:
    """How many stops lie within a walk (STOP_WALK_METRES, straight line) of each neighbourhood's centre."""
    stop_lat = np.array([s["latitude"] for s in stops.values()])
    stop_lon = np.array([s["longitude"] for s in stops.values()])
    for values in neighbourhoods.values():
        metres = haversine_km(values["latitude"], values["longitude"], stop_lat, stop_lon) * 1000
        values["stops_nearby"] = int(np.count_nonzero(metres <= STOP_WALK_METRES))


def transport_reference_load(read_csv, sync, progress) -> dict:
    """Neighbourhoods and stops, synced by code like the rest of the reference data."""
    authority_ids = dict(LocalAuthority.objects.values_list("code", "id"))
    neighbourhoods = neighbourhoods_wanted(read_csv, authority_ids)
    stops = stops_wanted(read_csv, authority_ids)
    _count_stops_nearby(neighbourhoods, stops)
    results = {
        "neighbourhoods": sync(Neighbourhood, "code", neighbourhoods, progress=progress),
        "stops": sync(TransitStop, "atco_code", stops, progress=progress),
    }
    results["district neighbourhoods"] = sync(
        DistrictNeighbourhood, "outcode", district_neighbourhoods_wanted(), progress=progress
    )
    return results


def district_neighbourhoods_wanted() -> dict[str, dict]:
    """For each city-region postcode district, the neighbourhood whose centre is nearest the district's centre."""
    rows = list(Neighbourhood.objects.values_list("id", "imd_rank", "latitude", "longitude"))
    if not rows:
        return {}
    ids, ranks, lats, lons = (np.array(column) for column in zip(*rows, strict=True))
    wanted = {}
    districts = PostcodeDistrict.objects.filter(local_authority__in_city_region=True)
    for outcode, lat, lon in districts.values_list("outcode", "latitude", "longitude"):
        nearest = int(np.argmin(haversine_km(lat, lon, lats, lons)))
        wanted[outcode] = {"neighbourhood_id": int(ids[nearest]), "imd_rank": int(ranks[nearest])}
    return wanted
