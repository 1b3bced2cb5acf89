"""add_source and update_source with a document: the upload rules before anything is stored, the
worker asked to read it on commit, the sensitive flag for editors only, and a timeline that never
names a sensitive source."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from requests_tracker import services
from requests_tracker.models import (
    SENSITIVE_SOURCE_LABEL,
    Activity,
    ActivityVerb,
    ExtractionStatus,
    Source,
    SourcePage,
    WebhookDelivery,
)
from requests_tracker.services.sources import SENSITIVE_EDITORS_ONLY, add_new_sources
from tests.documents import (
    REFUSED_UPLOADS,
    files_under,
    read_on_commit,
    refused_upload_ids,
    text_pdf,
    upload,
)
from tests.factories import SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

LETTER = ["U.S. Department of Justice, July 17, 2025.", "Under 8 U.S.C. 1373 ..."]


@pytest.mark.parametrize(
    ("what", "name", "content", "reason"), REFUSED_UPLOADS, ids=refused_upload_ids()
)
def test_a_refused_upload_raises_on_file_and_stores_no_row_and_no_file(
    media, journalist, what, name, content, reason
):
    with pytest.raises(ValidationError) as refusal:
        services.add_source(title="Subpoena", file=upload(name, content()), actor=journalist)

    assert reason in " ".join(refusal.value.message_dict["file"])
    assert not Source.objects.exists()
    assert files_under(media) == []


def test_an_accepted_upload_is_typed_sized_and_read_by_the_worker_after_commit(
    media, journalist, monkeypatch, django_capture_on_commit_callbacks
):
    read_on_commit(monkeypatch)
    content = text_pdf(LETTER)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        source = services.add_source(
            title="DOJ letter", file=upload("letter.pdf", content), actor=journalist
        )
        stored = Source.objects.get(pk=source.pk)
        assert (stored.content_type, stored.file_size) == ("application/pdf", len(content))
        assert stored.extraction_status == ExtractionStatus.PENDING
        assert stored.file.name.endswith(".pdf") and "letter" not in stored.file.name
    assert not SourcePage.objects.exists()  # nothing is read before the write commits

    for callback in callbacks:
        callback()

    source.refresh_from_db()
    assert (source.extraction_status, source.page_count) == (ExtractionStatus.DONE, 2)
    assert "8 U.S.C. 1373" in source.pages.get(number=2).text
    assert files_under(media) == [source.file.name]


def test_a_refused_second_source_takes_the_first_ones_file_with_it(media, journalist):
    new_sources = [
        {"title": "Letter", "file": upload("letter.pdf", text_pdf(LETTER))},
        {"title": "Page", "file": upload("page.pdf", REFUSED_UPLOADS[1][2]())},
    ]
    with pytest.raises(ValidationError) as refusal:
        add_new_sources(new_sources, actor=journalist)
    assert "source_file" in refusal.value.message_dict
    # The caller's transaction rolls back the first row; its file must not stay behind.
    assert files_under(media) == []


def test_a_replaced_file_is_checked_typed_and_read_again_and_a_removed_one_takes_its_text(
    media, editor, monkeypatch, django_capture_on_commit_callbacks
):
    read_on_commit(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        source = services.add_source(
            title="Notes", url="https://county.example/notes", file=upload("a.txt", b"Old text\n")
        )
    assert source.pages.get().text == "Old text"

    with pytest.raises(ValidationError) as refusal:
        services.update_source(
            source=source, actor=editor, file=upload("b.txt", REFUSED_UPLOADS[1][2]())
        )
    assert "HTML" in " ".join(refusal.value.message_dict["file"])
    assert len(files_under(media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.update_source(source=source, actor=editor, file=upload("c.pdf", text_pdf(LETTER)))
    source.refresh_from_db()
    assert (source.content_type, source.page_count) == ("application/pdf", 2)
    assert source.extraction_status == ExtractionStatus.DONE

    services.update_source(source=source, actor=editor, file=None)
    source.refresh_from_db()
    assert (source.file.name, source.sha256, source.content_type, source.file_size) == (
        "",
        "",
        "",
        None,
    )
    assert (source.extraction_status, source.page_count) == ("", None)
    assert not source.pages.exists()


# --- the sensitive flag --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["viewer", "journalist", None])
def test_only_editors_add_a_sensitive_source(who, request):
    actor = request.getfixturevalue(who) if who else None
    with pytest.raises(ValidationError) as refusal:
        services.add_source(
            title="Jail roster", url="https://county.example/roster", sensitive=True, actor=actor
        )
    assert refusal.value.message_dict == {"sensitive": [SENSITIVE_EDITORS_ONLY]}
    assert not Source.objects.exists()


def test_only_editors_mark_or_clear_the_flag_and_edit_a_sensitive_source(journalist, editor):
    source = services.add_source(title="Roster", url="https://county.example/r", actor=journalist)

    with pytest.raises(ValidationError) as refusal:
        services.update_source(source=source, actor=journalist, sensitive=True)
    assert refusal.value.message_dict == {"sensitive": [SENSITIVE_EDITORS_ONLY]}

    services.update_source(source=source, actor=editor, sensitive=True)
    assert Source.objects.get(pk=source.pk).sensitive
    with pytest.raises(ValidationError):
        services.update_source(source=source, actor=journalist, title="Renamed")
    with pytest.raises(ValidationError):
        services.update_source(source=source, actor=journalist, sensitive=False)

    services.update_source(source=source, actor=editor, sensitive=False)
    assert not Source.objects.get(pk=source.pk).sensitive


def test_a_known_address_is_reused_only_if_the_writer_may_see_it(data_request, journalist, editor):
    roster = services.add_source(
        title="Jail roster", url="https://county.example/roster", sensitive=True, actor=editor
    )
    mine = services.add_source(
        title="Roster page", url=roster.url, cite_on=[data_request], actor=journalist
    )
    assert mine.pk != roster.pk and not mine.sensitive
    assert services.add_source(title="Again", url=roster.url, actor=editor).pk == roster.pk


# --- the timeline --------------------------------------------------------------------------


def test_citing_a_sensitive_source_records_a_sentence_that_does_not_name_it(data_request, editor):
    roster = services.add_source(
        title="LASD jail roster, July 2025",
        url="https://county.example/roster.pdf",
        sensitive=True,
        cite_on=[data_request],
        actor=editor,
    )
    services.uncite_source(source=roster, record=data_request, actor=editor)

    events = Activity.objects.filter(
        verb__in=[ActivityVerb.SOURCE_ADDED, ActivityVerb.SOURCE_REMOVED]
    )
    assert [event.summary for event in events] == [
        f"Source added: {SENSITIVE_SOURCE_LABEL}",
        f"Source removed: {SENSITIVE_SOURCE_LABEL}",
    ]
    assert [event.data for event in events] == [{"source_id": roster.pk, "sensitive": True}] * 2


def test_marking_a_source_sensitive_later_rewrites_its_events_and_withdraws_their_webhooks(
    data_request, journalist, editor
):
    services.subscribe_webhook(url="https://hooks.example/tracker", actor=editor)
    roster = SourceFactory(title="LASD jail roster", url="https://county.example/roster.pdf")
    other = SourceFactory(title="LASD statement")
    services.cite_source(source=roster, record=data_request, actor=journalist)
    services.cite_source(source=other, record=data_request, actor=journalist)
    services.fan_out_activity()
    pending = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, activity__verb=ActivityVerb.SOURCE_ADDED
    )
    assert pending.count() == 2

    services.update_source(source=roster, actor=editor, sensitive=True)

    summaries = list(
        Activity.objects.filter(verb=ActivityVerb.SOURCE_ADDED).values_list("summary", flat=True)
    )
    assert summaries == [f"Source added: {SENSITIVE_SOURCE_LABEL}", "Source added: LASD statement"]
    assert not Activity.objects.filter(data__url=roster.url).exists()
    assert [d.activity.summary for d in pending] == ["Source added: LASD statement"]
