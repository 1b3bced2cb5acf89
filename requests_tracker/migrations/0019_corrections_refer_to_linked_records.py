"""Corrections name a linked record (a figure's source, a response's agency) by reference.

Until now a correction kept the linked record's name as text, as shown when the correction was
made, so a source marked sensitive later still showed its title in the corrections list and
feed. From now on `from_id` and `to_id` are kept and the name is given to each reader as the
record is today (selectors.history.corrections_shown_to). Existing notes are converted where
the text names exactly one record of that kind; anything else stays as it was written.
"""

from django.db import migrations

CORRECTED = {
    "request": "DataRequest",
    "response": "Response",
    "escalation": "Escalation",
    "figure": "ReportedFigure",
}


def _resolve(model, text):
    """The id of the one record of `model` shown as `text`, or None."""
    name = model.__name__
    if name == "Source":
        matches = model.objects.filter(title=text)
    elif name in {"Agency", "County"}:
        county, _, state = text.rpartition(", ")
        matches = (
            model.objects.filter(name=county, state=state) if name == "County" and county
            else model.objects.filter(name=text)
        )
    elif name == "Campaign":
        matches = model.objects.filter(title=text)
    else:
        return None
    ids = list(matches.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def forwards(apps, schema_editor):
    Correction = apps.get_model("requests_tracker", "Correction")
    for correction in Correction.objects.all():
        model = apps.get_model("requests_tracker", CORRECTED[correction.kind])
        changed = False
        changes = []
        for change in correction.changes:
            field = next((f for f in model._meta.fields if f.name == change.get("field")), None)
            if field is not None and field.is_relation and "from_id" not in change:
                related = field.related_model
                was = None if change["from"] == "(none)" else _resolve(related, change["from"])
                now = None if change["to"] == "(none)" else _resolve(related, change["to"])
                if (was or change["from"] == "(none)") and (now or change["to"] == "(none)"):
                    change = {
                        "field": change["field"],
                        "label": change["label"],
                        "from_id": was,
                        "to_id": now,
                    }
                    changed = True
            changes.append(change)
        if changed:
            Correction.objects.filter(pk=correction.pk).update(changes=changes)


class Migration(migrations.Migration):
    dependencies = [
        ("requests_tracker", "0018_public_search_vector"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
