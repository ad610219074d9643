import pytest
from django.db import IntegrityError

from accounts.enums import Role
from accounts.models import User
from tests.accounts.factories import UserFactory


def test_create_user_normalises_email_to_lower_case(db):
    user = User.objects.create_user(
        "Someone@Test.EXAMPLE", "a long password 123", first_name="A", last_name="B", role=Role.POLICE
    )
    assert user.email == "someone@test.example"
    assert user.check_password("a long password 123")


def test_superuser_is_an_administrator(db):
    user = User.objects.create_superuser("root@test.example", "a long password 123", first_name="A", last_name="B")
    assert user.role == Role.ADMIN
    assert user.is_staff and user.is_superuser


def test_only_administrators_may_be_staff(db):
    with pytest.raises(IntegrityError):
        UserFactory(role=Role.ISCG, is_staff=True)


def test_unknown_role_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError):
        UserFactory(role="sheriff")
