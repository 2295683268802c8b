"""Reads for pages and the API."""

from django.db.models import Count, Q

from apprenticeships.models import Employer, LocalAuthority, Membership, Provider, Standard


def hub_overview() -> dict:
    """Headline counts for the hub's home page."""
    return {
        "employers": Employer.objects.count(),
        "levy_payers": Employer.objects.filter(is_levy_payer=True).count(),
        "providers": Provider.objects.count(),
        "users": Membership.objects.count(),
        "standards": Standard.objects.filter(status=Standard.Status.APPROVED).count(),
    }


def city_region_authorities() -> list[LocalAuthority]:
    """The six authorities, most deprived first, with how many of our organisations are in each."""
    return list(
        LocalAuthority.objects.filter(in_city_region=True)
        .annotate(lsoas_in_decile_1=Count("lsoas", filter=Q(lsoas__imd_decile=1)), lsoa_count=Count("lsoas"))
        .order_by("imd_rank")
    )
