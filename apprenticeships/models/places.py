from django.db import models

from apprenticeships.models.base import TimeStampedModel


class LocalAuthority(TimeStampedModel):
    """A local authority district (GSS code), with its IMD 2019 summary where it has one."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    country_code = models.CharField(max_length=9, blank=True, help_text="E92/W92/S92 GSS country code.")
    in_city_region = models.BooleanField(default=False)
    # IMD 2019 local authority summaries (MHCLG File 10). Ranks are out of 317; 1 = most deprived.
    imd_rank = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Rank of average score.")
    imd_average_score = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    imd_rank_of_average_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    imd_prop_lsoas_most_deprived_10pct = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    imd_rank_of_prop_lsoas_most_deprived_10pct = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    @property
    def is_england(self) -> bool:
        return self.code.startswith("E")


class PostcodeDistrict(TimeStampedModel):
    """A GB postcode district (outcode) with its centroid (OS Code-Point Open)."""

    outcode = models.CharField(max_length=4, unique=True)
    postcode_area = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="postcode_districts")
    postcodes_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["outcode"]

    def __str__(self) -> str:
        return self.outcode


class Lsoa(TimeStampedModel):
    """A 2011 lower-layer super output area in the city region, with its IMD 2019 rank and decile."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="lsoas")
    imd_rank = models.PositiveIntegerField(help_text="Out of 32,844; 1 = most deprived.")
    imd_decile = models.PositiveSmallIntegerField(help_text="1 = most deprived 10% nationally.")

    class Meta:
        ordering = ["code"]
        verbose_name = "LSOA"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10), name="lsoa_decile_1_to_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
