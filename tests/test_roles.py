"""The newsroom roles survive a flush (as transactional tests and `manage.py flush` do)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_roles_are_recreated_with_their_permissions_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    roles = {group.name: group for group in Group.objects.all()}
    assert set(roles) == {"viewer", "journalist", "editor"}
    assert roles["journalist"].permissions.filter(codename="add_response").exists()
    assert not roles["viewer"].permissions.filter(codename="add_response").exists()
