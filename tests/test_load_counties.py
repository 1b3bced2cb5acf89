"""load_counties: California's 58 counties by default, any state on demand, every county with --all.

Expected counts and FIPS codes are the Census Bureau's (California 58, New York 62).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from requests_tracker.models import County


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_counties", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_by_default_loads_the_58_california_counties_with_census_fips_codes() -> None:
    load()

    assert County.objects.count() == 58
    assert set(County.objects.values_list("state", flat=True)) == {"CA"}
    by_fips = {c.fips: c for c in County.objects.all()}
    assert by_fips["06001"].name == "Alameda County"
    assert by_fips["06037"].name == "Los Angeles County"
    assert by_fips["06075"].name == "San Francisco County"
    assert by_fips["06115"].name == "Yuba County"
    assert by_fips["06037"].slug == "los-angeles-county"
    assert by_fips["06037"].sanctuary_status == County.SanctuaryStatus.UNKNOWN


@pytest.mark.django_db
def test_every_loaded_county_has_a_five_digit_fips_in_its_states_range() -> None:
    load()
    assert all(
        fips.isdigit() and len(fips) == 5 for fips in County.objects.values_list("fips", flat=True)
    )
    assert all(fips.startswith("06") for fips in County.objects.values_list("fips", flat=True))


@pytest.mark.django_db
def test_state_option_loads_that_states_counties_only() -> None:
    load("--state", "NY")

    assert County.objects.filter(state="NY").count() == 62
    assert County.objects.exclude(state="NY").count() == 0
    assert County.objects.get(fips="36047").name == "Kings County"
    assert County.objects.get(fips="36061").name == "New York County"


@pytest.mark.django_db
def test_state_option_accepts_lower_case() -> None:
    load("--state", "mn")
    assert County.objects.get(fips="27053").name == "Hennepin County"


@pytest.mark.django_db
def test_loading_another_state_keeps_california() -> None:
    load()
    load("--state", "IL")
    assert County.objects.filter(state="CA").count() == 58
    assert County.objects.get(fips="17031").name == "Cook County"


@pytest.mark.django_db
def test_all_option_loads_every_us_county() -> None:
    load("--all")

    assert County.objects.count() >= 3100
    assert County.objects.filter(state="CA").count() == 58
    assert County.objects.filter(state="NY").count() == 62
    assert County.objects.get(fips="11001").state == "DC"
    assert County.objects.values("state").distinct().count() >= 51


@pytest.mark.django_db
def test_running_twice_changes_nothing() -> None:
    load()
    los_angeles = County.objects.get(fips="06037")
    los_angeles.sanctuary_status = County.SanctuaryStatus.LIMITED_COOPERATION
    los_angeles.save()
    before = list(County.objects.order_by("fips").values())
    history_before = County.history.count()

    output = load()

    assert list(County.objects.order_by("fips").values()) == before
    assert County.history.count() == history_before
    assert "0 added, 0 updated, 58 unchanged" in output


@pytest.mark.django_db
def test_a_renamed_county_gets_its_census_name_back() -> None:
    load()
    County.objects.filter(fips="06115").update(name="Yuba", slug="yuba")

    load()

    yuba = County.objects.get(fips="06115")
    assert (yuba.name, yuba.slug) == ("Yuba County", "yuba-county")
    assert County.objects.count() == 58


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ZZ", "XX", "Narnia"])
def test_an_unknown_state_is_an_error_that_loads_nothing(code: str) -> None:
    with pytest.raises(CommandError, match="No counties known"):
        load("--state", code)
    assert County.objects.count() == 0


@pytest.mark.django_db
def test_state_and_all_cannot_be_combined() -> None:
    with pytest.raises(CommandError):
        load("--state", "NY", "--all")
    assert County.objects.count() == 0
