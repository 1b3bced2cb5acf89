"""Who may do what: the predicates in permissions.py, and the groups the roles migration made."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from requests_tracker import permissions, services
from requests_tracker.models import Response, ResponseKind
from tests.factories import UserFactory, make_request

PREDICATES_WITHOUT_RECORD = {
    "can_read": permissions.can_read,
    "can_see_internal": permissions.can_see_internal,
    "can_create": permissions.can_create,
    "can_manage_campaigns": permissions.can_manage_campaigns,
    "can_manage_webhooks": permissions.can_manage_webhooks,
}


def answers(user: object) -> dict[str, bool]:
    return {name: predicate(user) for name, predicate in PREDICATES_WITHOUT_RECORD.items()}


def log_statement(request: object, user: object) -> Response:
    return services.log_response(
        data_request=request,
        kind=ResponseKind.PUBLIC_STATEMENT,
        received_on=dt.date(2025, 7, 18),
        actor=user,
        today=dt.date(2025, 7, 18),
    )


@pytest.fixture
def statement_by_journalist(data_request, journalist) -> Response:
    return log_statement(data_request, journalist)


# --- anonymous ------------------------------------------------------------------------------------


def test_anonymous_visitors_read_nothing_on_a_closed_instance(settings) -> None:
    settings.TRACKER_PUBLIC = False
    assert answers(AnonymousUser()) == {
        "can_read": False,
        "can_see_internal": False,
        "can_create": False,
        "can_manage_campaigns": False,
        "can_manage_webhooks": False,
    }


def test_anonymous_visitors_read_a_public_instance_but_never_internal_notes(settings) -> None:
    settings.TRACKER_PUBLIC = True
    assert answers(AnonymousUser()) == {
        "can_read": True,
        "can_see_internal": False,
        "can_create": False,
        "can_manage_campaigns": False,
        "can_manage_webhooks": False,
    }


def test_anonymous_visitors_edit_and_delete_nothing(settings, statement_by_journalist) -> None:
    settings.TRACKER_PUBLIC = True
    assert not permissions.can_edit(AnonymousUser(), statement_by_journalist)
    assert not permissions.can_delete(AnonymousUser(), statement_by_journalist)


# --- signed-in roles ------------------------------------------------------------------------------


def test_a_viewer_reads_everything_including_internal_notes_but_writes_nothing(
    viewer, statement_by_journalist, settings
) -> None:
    settings.TRACKER_PUBLIC = False
    assert answers(viewer) == {
        "can_read": True,
        "can_see_internal": True,
        "can_create": False,
        "can_manage_campaigns": False,
        "can_manage_webhooks": False,
    }
    assert not permissions.can_edit(viewer, statement_by_journalist)
    assert not permissions.can_delete(viewer, statement_by_journalist)


def test_a_journalist_creates_but_does_not_manage_campaigns_or_webhooks(journalist) -> None:
    assert answers(journalist) == {
        "can_read": True,
        "can_see_internal": True,
        "can_create": True,
        "can_manage_campaigns": False,
        "can_manage_webhooks": False,
    }


def test_a_journalist_edits_only_the_entries_they_logged(
    data_request, journalist, other_journalist, statement_by_journalist
) -> None:
    theirs = log_statement(data_request, other_journalist)

    assert permissions.can_edit(journalist, statement_by_journalist)
    assert not permissions.can_edit(journalist, theirs)
    assert permissions.can_edit(other_journalist, theirs)


def test_a_journalist_edits_a_request_they_created(county, journalist, other_journalist) -> None:
    request = make_request(county=county, actor=journalist)
    assert permissions.can_edit(journalist, request)
    assert not permissions.can_edit(other_journalist, request)


def test_a_journalist_deletes_nothing_not_even_their_own_entries(
    journalist, statement_by_journalist
) -> None:
    assert not permissions.can_delete(journalist, statement_by_journalist)


def test_an_editor_edits_and_deletes_anything_and_manages_campaigns_and_webhooks(
    editor, statement_by_journalist
) -> None:
    assert all(answers(editor).values())
    assert permissions.can_edit(editor, statement_by_journalist)
    assert permissions.can_delete(editor, statement_by_journalist)


def test_a_superuser_acts_as_an_editor_without_any_group(db, statement_by_journalist) -> None:
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert all(answers(admin).values())
    assert permissions.can_edit(admin, statement_by_journalist)
    assert permissions.can_delete(admin, statement_by_journalist)


def test_a_signed_in_user_in_no_newsroom_group_reads_nothing(db, settings) -> None:
    settings.TRACKER_PUBLIC = False
    outsider = UserFactory(username="outsider")
    assert not any(answers(outsider).values())


def test_a_deactivated_editor_loses_every_right(db, statement_by_journalist) -> None:
    former = UserFactory(username="former", role="editor", is_active=False)
    assert not any(answers(former).values())
    assert not permissions.can_edit(former, statement_by_journalist)
    assert not permissions.can_delete(former, statement_by_journalist)


def test_a_user_in_several_groups_has_the_strongest_role(db) -> None:
    user = UserFactory(username="both", role="viewer")
    user.groups.add(Group.objects.get(name="editor"))
    assert permissions.role_of(user) == permissions.EDITOR
    assert permissions.can_manage_campaigns(user)


# --- the roles migration --------------------------------------------------------------------------


NEWSROOM_GROUPS = {"viewer", "journalist", "editor"}


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: set(group.permissions.values_list("codename", flat=True))
        for group in Group.objects.filter(name__in=NEWSROOM_GROUPS)
    }


@pytest.fixture
def groups_as_migrated(db) -> dict[str, set[str]]:
    """The groups as the test database has them, then removed, so a test can make them again."""
    before = group_permissions()
    assert set(before) == NEWSROOM_GROUPS
    Group.objects.filter(name__in=NEWSROOM_GROUPS).delete()
    return before


def test_the_roles_migration_creates_the_three_newsroom_groups_by_itself(
    groups_as_migrated,
) -> None:
    # Run migration 0002 against the models as they stood then, with no post_migrate handler
    # involved: the migration alone must create the groups (a fresh `migrate` relies on it).
    migration = importlib.import_module("requests_tracker.migrations.0002_roles")
    state = MigrationLoader(connection).project_state(("requests_tracker", "0002_roles"))

    migration.create_roles(state.apps, schema_editor=None)

    roles = group_permissions()
    assert set(roles) == NEWSROOM_GROUPS
    assert "add_response" in roles["journalist"]
    assert "add_response" not in roles["viewer"]
    assert "add_campaign" in roles["editor"]


def test_the_post_migrate_handler_recreates_missing_groups(groups_as_migrated) -> None:
    # What every `migrate` and `flush` sends at its end: the app's handler alone restores the
    # groups, with the permissions they had.
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

    assert group_permissions() == groups_as_migrated


@pytest.mark.parametrize(
    ("role", "permission", "granted"),
    [
        ("viewer", "view_datarequest", True),
        ("viewer", "view_response", True),
        ("viewer", "view_activity", True),
        ("viewer", "add_response", False),
        ("viewer", "change_datarequest", False),
        ("viewer", "delete_response", False),
        ("journalist", "add_datarequest", True),
        ("journalist", "add_response", True),
        ("journalist", "add_escalation", True),
        ("journalist", "add_source", True),
        ("journalist", "add_reportedfigure", True),
        ("journalist", "change_response", True),
        ("journalist", "add_campaign", False),
        ("journalist", "delete_response", False),
        ("journalist", "delete_datarequest", False),
        ("journalist", "add_webhooksubscription", False),
        ("editor", "add_campaign", True),
        ("editor", "change_campaign", True),
        ("editor", "delete_response", True),
        ("editor", "delete_escalation", True),
        ("editor", "delete_datarequest", True),
        ("editor", "change_county", True),
        ("editor", "add_webhooksubscription", True),
        ("editor", "change_webhooksubscription", True),
        # The timeline is append-only: nobody edits or deletes Activity, not even an editor.
        ("editor", "view_activity", True),
        ("editor", "change_activity", False),
        ("editor", "delete_activity", False),
    ],
)
def test_each_group_has_the_model_permissions_its_role_needs(
    db, role: str, permission: str, granted: bool
) -> None:
    user = UserFactory(username=f"{role}-checked", role=role)
    assert user.has_perm(f"requests_tracker.{permission}") is granted
