"""The parts every list's filters are built from (lists/filters.py): list values sent
comma-separated or repeated, ids, codes, RFC 3339 times and ISO dates read exactly as the schema
says, yes/no, orderings, and a plain word search over a few fields."""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import extend_schema_field

from requests_tracker.selectors import search as full_text

MAX_ID = 2**63 - 1
MAX_LIST_VALUES = 100
"""Values one list parameter may name (there are 8 statuses and 56 states)."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)
SEARCH_WORDS_LIMIT = 10
"""Words of a search that count; more would only add conditions to one query."""


RFC_3339_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,
)
"""An RFC 3339 time (`format: date-time`), as the schema's validators read it: with its offset."""


def _calendar_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when there is no such day. Year 0 (which `format: date` allows, and
    Python has not) is before every day there is: it reads as the first one."""
    try:
        if year == 0:
            dt.date(2000, month, day)  # year 0 is a leap year, as 2000 is
            return dt.date.min
        return dt.date(year, month, day)
    except ValueError:
        return None


class MomentField(forms.Field):
    """An RFC 3339 time with its offset, or a date (midnight in settings.TIME_ZONE): exactly
    what the schema's `format: date-time` and `format: date` allow, no more. A time in year 0
    reads as the earliest moment there is."""

    default_error_messages = {
        "invalid": "Give a time with its offset (2025-08-01T09:30:00-07:00 or "
        "2025-08-01T16:30:00Z) or a date (2025-08-01).",
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in (None, ""):
            return None
        text = str(value)
        # An unescaped "+" in a query string arrives as a space: "…T09:30:00 07:00".
        text = re.sub(r"(T[\d:.]+) (\d\d:\d\d)$", r"\1+\2", text)
        moment = self._time(text) if len(text) > 10 else self._date(text)
        if moment is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment

    @staticmethod
    def _date(text: str) -> dt.datetime | None:
        if not ISO_DATE.fullmatch(text):
            return None
        day = _calendar_date(*(int(part) for part in text.split("-")))
        if day is None:
            return None
        if day == dt.date.min:
            return EARLIEST
        return timezone.make_aware(
            dt.datetime.combine(day, dt.time()), timezone.get_default_timezone()
        ).astimezone(dt.UTC)

    @staticmethod
    def _time(text: str) -> dt.datetime | None:
        found = RFC_3339_TIME.fullmatch(text)
        if found is None:
            return None
        year, month, day, hour, minute, second = (int(part) for part in found.groups()[:6])
        fraction, utc, sign, offset_hours, offset_minutes = found.groups()[6:]
        offset = 0 if utc else int(offset_hours) * 60 + int(offset_minutes)
        offset = -offset if sign == "-" else offset
        date = _calendar_date(year, month, day)
        if (
            date is None
            or hour > 23
            or minute > 59
            or second > 60
            or (not utc and (int(offset_hours) > 23 or int(offset_minutes) > 59))
        ):
            return None
        # A leap second is 23:59:60 in UTC (the schema's rule): read as the second after.
        leap = second == 60
        if leap and (hour * 60 + minute - offset) % (24 * 60) != 23 * 60 + 59:
            return None
        if date == dt.date.min:
            return EARLIEST
        zone = dt.timezone(dt.timedelta(minutes=offset))
        microseconds = int((fraction or "0")[:6].ljust(6, "0"))
        moment = dt.datetime(
            year, month, day, hour, minute, second - leap, microseconds, tzinfo=zone
        )
        # In UTC: the database refuses some offsets Python allows (+19:15). A valid time that
        # falls outside Python's years once converted (0001-01-01T00:00+01:00) is the earliest
        # or latest moment there is: nothing was recorded before or after it either way.
        try:
            return moment.astimezone(dt.UTC) + dt.timedelta(seconds=leap)
        except OverflowError:
            return EARLIEST if moment.year == dt.MINYEAR else LATEST


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD, nothing else (the schema's `format: date`; year 0, which the
    format allows, is the first day there is)."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        text = str(value)
        day = _calendar_date(*map(int, text.split("-"))) if ISO_DATE.fullmatch(text) else None
        if day is None:
            raise forms.ValidationError("Give a date as YYYY-MM-DD.", code="invalid")
        return day


@extend_schema_field(
    {
        "description": "A time with its offset (2025-08-01T09:30:00-07:00) or a date "
        "(2025-08-01, from midnight in the tracker's time zone).",
        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}],
    }
)
class MomentFilter(django_filters.Filter):
    field_class = MomentField


class YesNoField(forms.Field):
    """true or false (the schema's boolean); anything else is an error, not "no filter"."""

    values = {"true": True, "false": False}
    default_error_messages = {"invalid": "Give true or false."}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        try:
            return self.values[str(value)]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field({"type": "boolean"})
class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class IdField(forms.IntegerField):
    """A record id: digits only (not `+5`, `5.0` or ` 5`), from 1."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


class CommaOrRepeatedWidget(django_filters.widgets.BaseCSVWidget):
    """Reads `x=a,b`, `x=a&x=b` and `x=a,b&x=c` alike: every value given, split at commas."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str] | None:
        given = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        given = [value for value in given if value is not None]
        if not given or all(value == "" for value in given):
            return None
        return [item for value in given for item in str(value).split(",")]


class ListValuesField(django_filters.fields.BaseCSVField):
    """Several values: none may be empty (`status=awaiting,`), at most MAX_LIST_VALUES."""

    base_widget_class = CommaOrRepeatedWidget
    widget = forms.TextInput

    def clean(self, value: Any) -> Any:
        if value:
            if len(value) > MAX_LIST_VALUES:
                raise forms.ValidationError(
                    f"Give at most {MAX_LIST_VALUES} values.", code="max_length"
                )
            if any(not str(item).strip() for item in value):
                raise forms.ValidationError(
                    "An item of this list is empty (a comma too many?).", code="empty_item"
                )
        return super().clean(value)


class ListFilter(django_filters.BaseInFilter):
    base_field_class = ListValuesField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        # The schema says how to send several values (api/schema.py), for every list alike.
        kwargs.setdefault("help_text", None)
        super().__init__(*args, **kwargs)


class ChoiceInFilter(ListFilter, django_filters.ChoiceFilter):
    """A list of choices: `status=awaiting,acknowledged` or `status=awaiting&status=...`."""


class CodeInFilter(ListFilter, django_filters.CharFilter):
    """A list of codes, each checked against a pattern (FIPS codes, state codes)."""

    def __init__(self, *args: Any, pattern: str, message: str, upper: bool = False, **kwargs):
        self.upper = upper
        self.pattern = pattern
        flags = re.IGNORECASE if upper else 0
        kwargs["validators"] = [RegexValidator(rf"^(?:{pattern})$", message, flags=flags)]
        super().__init__(*args, **kwargs)
        # The schema gives each item's pattern, so clients (and schemathesis) know the rule.
        set_override(self, "field", {"type": "string", "pattern": rf"^(?:{pattern})$"})

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value and self.upper:
            value = [code.upper() for code in value]
        return super().filter(qs, value)


class IdInFilter(ListFilter, django_filters.NumberFilter):
    """Records by id: `request=12`, `request=12,31` or `request=12&request=31`; each a whole
    number from 1 (digits only)."""

    field_class = IdField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        set_override(self, "field", {**schema, "description": self.label})


def ids_filter(label: str, field_name: str | None = None, **kwargs: Any) -> IdInFilter:
    """A filter by one or several ids of a kind of record."""
    return IdInFilter(field_name=field_name, label=label, lookup_expr="in", **kwargs)


def fips_filter(field_name: str) -> CodeInFilter:
    return CodeInFilter(
        field_name=field_name,
        lookup_expr="in",
        pattern=r"[0-9]{5}",
        message="County FIPS codes are five digits (comma-separated for several).",
        label="County FIPS code(s): `06037`, or several comma-separated or repeated.",
    )


def state_filter(field_name: str, **kwargs: Any) -> CodeInFilter:
    return CodeInFilter(
        **kwargs,
        field_name=field_name,
        lookup_expr="in",
        pattern=r"[A-Za-z]{2}",
        upper=True,
        message="States are two-letter USPS codes (comma-separated for several).",
        label="State USPS code(s): `CA`, or several comma-separated (`CA,IL`) or repeated.",
    )


class TrackerFilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, cheaper to make on every request of a list:

    - its form class is built once per filter set, not each time (django-filter builds a class,
      and a widget class per list filter, on every request). Every filter here builds its form
      field from its own arguments alone; a filter whose field depended on the request (a
      ModelChoiceFilter with a queryset per user) would need its own get_form_class;
    - its filters are copied one level deep, not deep-copied with everything they point to
      (choices, labels, widgets): a filter's own state is its `extra` arguments, the filter set
      it is given (`parent`, `model`) and, for a `method` filter, the helper that calls it.
    Together they were a tenth of the Python time of the API's request list.
    """

    _form_classes: ClassVar[dict[type, type[forms.Form]]] = {}

    def __init__(
        self,
        data: Any = None,
        queryset: QuerySet | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
    ) -> None:
        # django-filter's own __init__, but for how the filters are copied.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(each) for name, each in self.base_filters.items()}
        for each in self.filters.values():
            each.model = queryset.model
            each.parent = self

    def get_form_class(self) -> type[forms.Form]:
        kept = TrackerFilterSet._form_classes.get(type(self))
        if kept is None:
            kept = TrackerFilterSet._form_classes[type(self)] = super().get_form_class()
        return kept


def _own_copy(declared: django_filters.Filter) -> django_filters.Filter:
    """A filter of a filter set's declaration, for one filter set (TrackerFilterSet)."""
    copied = copy.copy(declared)
    copied.extra = dict(declared.extra)
    if declared.method is not None:
        copied.method = declared.method  # a helper that calls this copy, not the declaration
    return copied


class TrackerOrderingFilter(django_filters.OrderingFilter):
    """Ordering by the chosen fields, then by id, so equal values keep a stable order (which
    keyset cursors need). Names in `inverted` sort their field the other way round, e.g.
    `days_overdue` sorts on the first overdue day, where earlier means more days."""

    base_field_class = ListValuesField

    def __init__(self, *args: Any, inverted: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.inverted = set(inverted)
        super().__init__(*args, **kwargs)
        names = ", ".join(f"`{name}`" for name in self.param_map)
        # Plain strings with a pattern, not an enum: a generated client takes "-received_on"
        # as written (an enum's members would be VALUE_0, VALUE_1, ... and refuse a string).
        choices = "|".join(re.escape(name) for name in self.param_map)
        schema = {"type": "string", "pattern": rf"^-?(?:{choices})$"}
        schema["description"] = f"Sort by {names}; prefix a name with - for descending."
        set_override(self, "field", schema)

    def get_ordering_value(self, param: str) -> str:
        descending = param.startswith("-")
        name = param.lstrip("-")
        if name in self.inverted:
            descending = not descending
        return ("-" if descending else "") + self.param_map[name]

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        return qs.order_by(*ordering, "-id" if ordering[-1].startswith("-") else "id")


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


def date_filter(field_name: str, lookup: str, label: str) -> django_filters.DateFilter:
    return IsoDateFilter(field_name=field_name, lookup_expr=lookup, label=label)


def date_range(field_name: str, happened: str) -> tuple[IsoDateFilter, IsoDateFilter]:
    """`<name>_after` and `<name>_before`: records whose `field_name` falls on or after a date,
    or on or before one (`happened`: what the date says, e.g. "Issued")."""
    return (
        date_filter(field_name, "gte", f"{happened} on or after this date."),
        date_filter(field_name, "lte", f"{happened} on or before this date."),
    )


def search_words(queryset: QuerySet, fields: tuple[str, ...], value: str) -> QuerySet:
    """Records with every word (case aside) in at least one of `fields`."""
    words = value.split()
    for word in words[:SEARCH_WORDS_LIMIT]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def words_filter(
    label: str, fields: tuple[str, ...], *, distinct: bool = False
) -> django_filters.CharFilter:
    """`search`: the records with every word in at least one of `fields` (search_words);
    `distinct` where a field lies across a many-valued link (a person's roles), so that a
    record matching twice is listed once."""

    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        found = search_words(queryset, fields, value)
        return found.distinct() if distinct else found

    return django_filters.CharFilter(method=search, label=label)


def search_filters(label: str) -> tuple[django_filters.CharFilter, ...]:
    """`q`, the one search of selectors/search.py (full-text on PostgreSQL), and `search`, its
    older name, kept for existing clients: the same filter under both names."""
    return tuple(
        django_filters.CharFilter(
            method="search_text", label=text, max_length=full_text.MAX_QUERY_LENGTH
        )
        for text in (label, "The same as `q` (its older name).")
    )
