from django.urls import reverse

from tests.conftest import sign_in
from tests.referrals.factories import DangerAssessmentFactory, current_grid


def test_the_admin_edits_problems_and_grid_versions(world, client):
    sign_in(client, world.users["admin"])
    assert client.get(reverse("admin:referrals_problem_changelist")).status_code == 200
    version = current_grid()
    response = client.get(reverse("admin:referrals_gridversion_change", args=[version.pk]))
    assert response.status_code == 200
    assert 'name="items-0-text"' in response.content.decode()


def test_a_grid_version_used_by_a_filled_grid_is_frozen_in_the_admin(world, client):
    DangerAssessmentFactory(referral=world.a.referral)
    sign_in(client, world.users["admin"])
    version = current_grid()
    response = client.get(reverse("admin:referrals_gridversion_change", args=[version.pk]))
    content = response.content.decode()
    assert 'name="items-0-text"' not in content
    assert 'name="yes_threshold"' not in content


def test_referrals_and_their_persons_are_not_in_the_admin_site(world, client):
    sign_in(client, world.users["admin"])
    content = client.get(reverse("admin:index")).content.decode()
    assert "/admin/referrals/referral/" not in content
    assert "/admin/referrals/referralperson/" not in content
