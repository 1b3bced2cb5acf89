"""Typed factories for tests. Records that have a status are built through the services.

Each factory is a `DjangoModelFactory[Model]`, so `CountyFactory()` is a County to the type
checker, and `make_request` is typed like the service it calls.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group

from requests_tracker import services
from requests_tracker.models import (
    Agency,
    County,
    DataCategory,
    DataRequest,
    Metric,
    ReportedFigure,
    Source,
)
from requests_tracker.services import figures


class UserFactory(factory.django.DjangoModelFactory[AbstractUser]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.example")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        """`UserFactory(role="journalist")` puts the user in that newsroom group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class CountyFactory(factory.django.DjangoModelFactory[County]):
    class Meta:
        model = County
        django_get_or_create = ("fips",)

    name = factory.Sequence(lambda n: f"Test County {n}")
    state = "CA"
    fips = factory.Sequence(lambda n: f"{90000 + n:05d}")
    slug = factory.LazyAttribute(lambda county: county.name.lower().replace(" ", "-"))


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("name", "level")

    name = "U.S. Department of Justice"
    level = Agency.Level.FEDERAL


class SourceFactory(factory.django.DjangoModelFactory[Source]):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    url = factory.Sequence(lambda n: f"https://news.example/report-{n}")
    publisher = "Example News"
    published_on = dt.date(2025, 7, 17)
    kind = Source.Kind.NEWS_REPORT


def make_request(
    *,
    county: County | None = None,
    issued_on: dt.date = dt.date(2025, 7, 17),
    due_days: int = 30,
    today: dt.date | None = None,
    **extra: object,
) -> DataRequest:
    """A request issued through the service: 30 calendar days, the July 2025 categories."""
    extra.setdefault(
        "data_sought",
        [DataCategory.NONCITIZEN_ROSTER, DataCategory.CHARGES, DataCategory.RELEASE_DATES],
    )
    return services.issue_request(
        county=county or CountyFactory(),
        issuing_agency=extra.pop("issuing_agency", None) or AgencyFactory(),
        issued_on=issued_on,
        due_basis=extra.pop("due_basis", "calendar_days"),
        due_days=due_days,
        today=today or issued_on,
        **extra,
    )


def detainer_metric(slug: str = "ice-detainer-requests-received") -> Metric:
    """A metric of the catalogue (defined once; a second call returns it)."""
    return figures.define_metric(
        slug=slug,
        name=slug.replace("-", " ").capitalize().replace("Ice", "ICE"),
        definition="Immigration detainers ICE sent the jail.",
        unit="requests",
    )


def record_detainer_figure(
    *, county: County, source: Source, actor: AbstractUser | None = None, **extra: object
) -> ReportedFigure:
    """LASD's reported figure, through the service: 995 ICE detainer requests received in 2024."""
    return services.record_figure(
        county=county,
        metric=detainer_metric(),
        value=995,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        period_label="2024",
        source=source,
        actor=actor,
        **extra,
    )


def letters_of_july_17(title: str, counties: list):
    """A campaign issued 2025-07-17 to `counties`, due in 30 days."""
    return services.issue_campaign(
        title=title,
        issuing_agency=AgencyFactory(),
        issued_on=dt.date(2025, 7, 17),
        counties=counties,
        due_basis="calendar_days",
        due_days=30,
        data_sought=["charges"],
        today=dt.date(2025, 7, 17),
    )
