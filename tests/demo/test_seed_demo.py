from django.core.management import call_command

from accounts.enums import Role
from accounts.models import User
from demo.data import ADMIN_EMAIL, DEMO_PASSWORD, TERRITORY, demo_email
from organisation.access import build_scope
from organisation.models import Partner, Post, Unit


def test_seed_demo_is_idempotent_and_gives_every_role_a_scope(db):
    call_command("seed_demo", stdout=None)
    counts = (User.objects.count(), Unit.objects.count(), Post.objects.count(), Partner.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Unit.objects.count(), Post.objects.count(), Partner.objects.count()) == counts
    assert User.objects.count() == 5 * len(TERRITORY) + 1
    for code in TERRITORY:
        for key in ("police", "iscg", "iscg2", "coordinator", "funder"):
            user = User.objects.get(email=demo_email(key, code))
            assert user.check_password(DEMO_PASSWORD)
            scope = build_scope(user)
            assert scope.department_ids, (code, key)
            if user.role == Role.POLICE:
                assert scope.unit_ids
            if user.role == Role.ISCG:
                assert scope.post_ids and scope.unit_ids
    admin = User.objects.get(email=ADMIN_EMAIL)
    assert admin.role == Role.ADMIN and admin.is_staff
