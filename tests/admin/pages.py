"""Reading an admin change page the way a browser would send it back."""

from __future__ import annotations

from typing import Any


def unchanged_post(page: Any) -> dict[str, Any]:
    """The POST a browser sends for `page` (an admin change or add page) with nothing edited:
    the main form, then each inline's management form and rows."""
    forms = [page.context["adminform"].form]
    data: dict[str, Any] = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management.add_prefix(name): management[name].value() for name in management.fields}
        )
        forms += inline.formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue  # an empty or unticked input is not sent
            data[field.html_name] = (
                [str(v) for v in value] if isinstance(value, list | tuple) else value
            )
    return data


def add_inline_row(data: dict[str, Any], prefix: str, values: dict[str, Any]) -> None:
    """Fill the inline's next empty row, as the admin's "Add another" does."""
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update({f"{prefix}-{row}-{name}": value for name, value in values.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
