import datetime

from django.test import RequestFactory

from accounts.enums import Role
from organisation.access import ANONYMOUS, Action, can
from organisation.middleware import ScopeMiddleware
from organisation.models import Partner, Post, Unit
from organisation.scope import build_scope
from tests.accounts.factories import UserFactory
from tests.organisation.factories import PostAssignmentFactory, PostFactory, UnitFactory, department


def test_officer_scope_is_their_active_units_and_their_departments(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        scope = build_scope(world.a.officer)
    assert scope.role == Role.POLICE
    assert scope.unit_ids == {world.a.unit.pk}
    assert scope.department_ids == {world.a.department.pk}
    assert scope.post_ids == frozenset()


def test_iscg_scope_is_their_current_posts_and_the_units_those_posts_cover(world, django_assert_num_queries):
    extra_unit = UnitFactory(department=world.a.department)
    world.a.post.units.add(extra_unit)
    old_post = PostFactory(department=world.a.department)
    PostAssignmentFactory(
        post=old_post, user=world.a.iscg, starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2023, 12, 31)
    )
    with django_assert_num_queries(1):  # a second one only for posts covering units by rule
        scope = build_scope(world.a.iscg)
    assert scope.post_ids == {world.a.post.pk}
    assert scope.unit_ids == {world.a.unit.pk, extra_unit.pk}
    assert scope.department_ids == {world.a.department.pk}


def test_iscg_who_left_their_post_loses_it_and_the_post_keeps_its_data(world):
    assignment = world.a.iscg.post_assignments.get()
    assignment.ends_on = datetime.date(2024, 6, 30)
    assignment.save()
    scope = build_scope(world.a.iscg)
    assert scope.post_ids == frozenset()
    assert Post.objects.visible_to(scope).count() == 0
    assert Post.objects.filter(pk=world.a.post.pk).exists()


def test_departmental_roles_see_whole_departments_and_nothing_of_others(world):
    for persona in ("coordinator_a", "funder_a"):
        scope = build_scope(world.users[persona])
        assert scope.department_ids == {world.a.department.pk}
        assert set(Unit.objects.visible_to(scope)) == {world.a.unit}
        assert set(Post.objects.visible_to(scope)) == {world.a.post}
    coordinator = build_scope(world.a.coordinator)
    funder = build_scope(world.a.funder)
    assert set(Partner.objects.visible_to(coordinator)) == {world.a.partner}
    assert Partner.objects.visible_to(funder).count() == 0


def test_admin_scope_is_national_without_a_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        scope = build_scope(world.users["admin"])
    assert scope.is_national
    assert Unit.objects.visible_to(scope).count() == 2


def test_anonymous_and_inactive_users_get_an_empty_scope(world):
    world.a.iscg.is_active = False
    assert build_scope(world.a.iscg) == ANONYMOUS
    assert Post.objects.visible_to(ANONYMOUS).count() == 0
    assert Partner.objects.visible_to(ANONYMOUS).count() == 0


def test_police_never_see_posts_or_partners(world):
    scope = build_scope(world.a.officer)
    assert Post.objects.visible_to(scope).count() == 0
    assert Partner.objects.visible_to(scope).count() == 0
    assert not can(scope, Action.VIEW_PARTNERS)


def test_user_of_several_departments_sees_each_of_them(db):
    user = UserFactory(coordinator=True, departments=[department("80"), department("42")])
    scope = build_scope(user)
    assert scope.department_ids == {department("80").pk, department("42").pk}


def test_middleware_builds_the_scope_lazily_once_per_request(world, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = world.a.officer
    ScopeMiddleware(lambda req: None)(request)
    with django_assert_num_queries(1):
        assert request.scope.role == Role.POLICE
        assert request.scope.unit_ids == {world.a.unit.pk}
