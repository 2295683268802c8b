"""Deprivation at neighbourhood (LSOA) grain for a place known by its postcode."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from apprenticeships.models import DistrictNeighbourhood, FullPostcode


def place_imd_rank(path: str):
    """An expression: the IMD 2019 rank (1 = most deprived of 32,844) of the neighbourhood a place is in.

    `path` leads to a row with `postcode` and `outcode` (e.g. "vacancy__"). A full postcode loaded
    from the ONS Postcode Directory gives its own 2021 LSOA; otherwise the neighbourhood nearest
    the postcode district's centre stands in. Null outside the city region.
    """
    full = FullPostcode.objects.filter(postcode=OuterRef(f"{path}postcode")).values("imd_rank")[:1]
    district = DistrictNeighbourhood.objects.filter(outcode=OuterRef(f"{path}outcode")).values("imd_rank")[:1]
    return Coalesce(Subquery(full), Subquery(district))
