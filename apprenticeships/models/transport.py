"""Public transport: neighbourhood centres, stops, full postcodes, the timetable feed and travel times."""

from django.db import models

from apprenticeships.models.base import TimeStampedModel
from apprenticeships.models.places import LocalAuthority


class Neighbourhood(TimeStampedModel):
    """A 2021 LSOA in the city region: where its residents are (population-weighted centre), how
    deprived it is (IMD 2019 through the 2011→2021 lookup) and how many households have no car."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="neighbourhoods")
    latitude = models.FloatField()
    longitude = models.FloatField()
    imd_rank = models.PositiveIntegerField(
        help_text="IMD 2019 rank of its 2011 LSOA (the most deprived one when merged)."
    )
    imd_decile = models.PositiveSmallIntegerField(help_text="1 = most deprived 10% nationally.")
    households = models.PositiveIntegerField()
    households_no_car = models.PositiveIntegerField()
    stops_nearby = models.PositiveIntegerField(default=0, help_text="NaPTAN stops within 800 m of the centre.")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10), name="neighbourhood_decile_1_to_10"
            ),
            models.CheckConstraint(
                condition=models.Q(households_no_car__lte=models.F("households")), name="neighbourhood_no_car_le_all"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def no_car_share(self) -> float:
        return self.households_no_car / self.households if self.households else 0.0


class TransitStop(TimeStampedModel):
    """A NaPTAN stop or station in the city region; its ATCO code is the GTFS stop_id."""

    atco_code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    stop_type = models.CharField(max_length=3, help_text="NaPTAN stop type: BCT bus stop, RLY rail station, …")
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["atco_code"]

    def __str__(self) -> str:
        return f"{self.atco_code} {self.name}"


class FullPostcode(models.Model):
    """A unit postcode from the ONS Postcode Directory the hub loads (`load_postcodes`)."""

    postcode = models.CharField(max_length=8, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority_code = models.CharField(max_length=9)
    lsoa21 = models.CharField(max_length=9, blank=True)
    imd_rank = models.PositiveIntegerField(null=True, blank=True, help_text="Its 2021 LSOA's IMD 2019 rank.")

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode


class DistrictNeighbourhood(TimeStampedModel):
    """The neighbourhood whose centre is nearest a city-region postcode district's centre: where a
    place known only by its district is taken to be, for deprivation at LSOA grain."""

    outcode = models.CharField(max_length=4, unique=True)
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    imd_rank = models.PositiveIntegerField()

    class Meta:
        ordering = ["outcode"]

    def __str__(self) -> str:
        return f"{self.outcode} → {self.neighbourhood_id}"


class TransitFeed(TimeStampedModel):
    """The GTFS timetable in use, trimmed to the city region (one at a time: a new import replaces it)."""

    name = models.CharField(max_length=200, help_text="The file it was imported from.")
    publisher = models.CharField(max_length=500, blank=True, help_text="agency.txt's agency names.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    travel_date = models.DateField(help_text="The first term-time Tuesday in the feed's calendar.")
    stops = models.PositiveIntegerField()
    trips = models.PositiveIntegerField()
    archive = models.BinaryField(help_text="The trimmed feed (GTFS zip) the router loads.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TravelTime(models.Model):
    """One journey's answer, cached per feed: from a place (postcode or LSOA code) to a postcode."""

    class Method(models.TextChoices):
        TIMETABLE = "timetable", "Timetable"
        ESTIMATE = "estimate", "Estimate"

    feed = models.ForeignKey(TransitFeed, null=True, blank=True, on_delete=models.CASCADE, related_name="travel_times")
    origin = models.CharField(max_length=9)
    destination = models.CharField(max_length=9)
    arrive_by = models.CharField(max_length=5)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty when unreachable.")
    changes = models.PositiveSmallIntegerField(null=True, blank=True)
    method = models.CharField(max_length=9, choices=Method.choices)
    legs = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            # Once per feed, and once among the estimates (no feed): two partial constraints, as
            # SQLite can't treat NULLs as equal in one (NULLS NOT DISTINCT is PostgreSQL 15's).
            models.UniqueConstraint(
                fields=["feed", "origin", "destination", "arrive_by"],
                condition=models.Q(feed__isnull=False),
                name="travel_time_once_per_feed",
            ),
            models.UniqueConstraint(
                fields=["origin", "destination", "arrive_by"],
                condition=models.Q(feed__isnull=True),
                name="travel_time_estimate_once",
            ),
            models.CheckConstraint(condition=models.Q(method__in=["timetable", "estimate"]), name="travel_time_method"),
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination}: {self.minutes} min ({self.method})"
