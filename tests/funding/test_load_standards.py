"""load_standards: a Skills England / IfATE export marks retired, foundation and level 7 standards."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from apprenticeships.models import Standard

pytestmark = pytest.mark.django_db

CSV = """lars_code,title,level,route,typical_duration_months,max_funding,status,reference,is_foundation
2,Software developer,4,Digital,18,19000,Retired,ST0116,false
9001,Digital foundation apprenticeship,2,Digital,8,4000,Approved for delivery,FA0001,true
9002,Senior leader,7,Business and administration,24,14000,Approved for delivery,ST0480,false
"""


def test_a_csv_export_adds_updates_and_marks_retired_foundation_and_level_7(tmp_path, client):
    export = tmp_path / "standards.csv"
    export.write_text(CSV, encoding="utf-8")

    call_command("load_standards", str(export), "--published-on", "2026-09-30")

    developer, foundation = Standard.objects.get(lars_code=2), Standard.objects.get(lars_code=9001)
    assert (developer.status, developer.max_funding, developer.reference) == ("retired", 19000, "ST0116")
    assert foundation.is_foundation and foundation.status == "approved"
    assert Standard.objects.get(lars_code=9002).is_level_7
    assert "30 September 2026" in client.get(reverse("about-data")).content.decode()


def test_a_json_export_in_the_ifate_api_shape_loads_too(tmp_path):
    export = tmp_path / "standards.json"
    rows = [
        {"larsCode": 9100, "title": "Care foundation", "level": 2, "route": "Care services", "typicalDuration": 8,
         "maxFunding": 3000, "status": "Approved for delivery", "apprenticeshipType": "Foundation Apprenticeship"}
    ]  # fmt: skip
    export.write_text(json.dumps(rows), encoding="utf-8")

    call_command("load_standards", str(export))

    assert Standard.objects.get(lars_code=9100).is_foundation


def test_a_bad_row_loads_nothing_and_names_the_row(tmp_path):
    export = tmp_path / "standards.csv"
    export.write_text(CSV.replace("9002,Senior leader,7", "9002,Senior leader,9"), encoding="utf-8")

    with pytest.raises(CommandError, match="Row 3: level"):
        call_command("load_standards", str(export))

    assert not Standard.objects.filter(lars_code=9001).exists()
    assert Standard.objects.get(lars_code=2).status == "approved"


def test_the_about_page_says_the_shipped_snapshot_is_in_use_until_a_catalogue_is_loaded(client):
    assert "February and April 2020" in client.get(reverse("about-data")).content.decode()
