"""load_postcodes: the ONS Postcode Directory makes places precise to the full postcode."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apprenticeships.models import FullPostcode
from apprenticeships.places import place_lookup

pytestmark = pytest.mark.django_db

ONSPD = """pcd,pcd2,pcds,dointr,doterm,oslaua,lat,long,lsoa21,msoa21
L1  8JQ,L1   8JQ,L1 8JQ,198001,,E08000012,53.401489,-2.977931,E01033755,E02006932
L1  0AA,L1   0AA,L1 0AA,198001,200012,E08000012,53.40,-2.98,E01033755,E02006932
L1  9ZZ,L1   9ZZ,L1 9ZZ,198001,,E08000012,99.999999,0.000000,,
M1  1AA,M1   1AA,M1 1AA,198001,,E08000003,53.47,-2.23,E01005000,E02001000
"""


def test_a_loaded_postcode_is_placed_at_the_postcode_not_its_district(tmp_path):
    before = place_lookup("L1 8JQ")
    path = tmp_path / "onspd.csv"
    path.write_text(ONSPD)
    out = StringIO()

    call_command("load_postcodes", str(path), stdout=out)

    after = place_lookup("l18jq")
    assert (after.latitude, after.longitude) == (53.401489, -2.977931)
    assert (after.latitude, after.longitude) != (before.latitude, before.longitude)
    assert list(FullPostcode.objects.values_list("postcode", "lsoa21")) == [("L1 8JQ", "E01033755")]
    assert out.getvalue().strip() == (
        "1 postcodes loaded; skipped 1 terminated, 1 without a grid reference, 1 outside the city region"
    )


def test_a_file_without_the_directory_columns_is_refused_and_changes_nothing(tmp_path):
    FullPostcode.objects.create(postcode="L1 8JQ", latitude=53.4, longitude=-2.9, local_authority_code="E08000012")
    path = tmp_path / "other.csv"
    path.write_text("postcode,latitude\nL1 8JQ,53.4\n")

    with pytest.raises(CommandError, match="no pcds, lat, long, oslaua, lsoa21 column"):
        call_command("load_postcodes", str(path))

    assert FullPostcode.objects.count() == 1
