"""Mass assignment: posting another department's ids into a form never writes across scope.

Every form field that picks a unit, a post, a person, a partner, a funder or a department offers only
the user's scoped choices; an id from department B posted by a user of department A is a form error.
The view-level tests also count rows: nothing is written.
"""

import pytest
from django.urls import reverse

from casework.forms import OrientationForm, PersonForm
from casework.models import Person
from conventions.forms import ConventionForm, PaymentForm, PostShareForm
from conventions.models import Funder, Payment
from imports.forms import UploadForm
from organisation.forms import PartnerForm, StaffForm
from organisation.models import Department, Post
from referrals.forms import ReferralForm
from referrals.models import Referral
from tests.conftest import sign_in
from tests.organisation.factories import PostAssignmentFactory


def scope_of(client_or_user):
    from organisation.scope import build_scope

    return build_scope(client_or_user)


def refused(form, field):
    assert not form.is_valid()
    assert field in form.errors, form.errors
    return True


def test_referral_form_refuses_a_unit_of_another_department(world):
    form = ReferralForm({"unit": world.b.unit.pk}, scope=scope_of(world.a.officer), user=world.a.officer)
    assert refused(form, "unit")


def test_person_form_refuses_a_post_of_another_department(world):
    PostAssignmentFactory(
        post=Post.objects.create(
            **{
                "department": world.a.department,
                "name": "Second poste",
                "fte": "0.5",
                "employer": "CD",
                "zone": "police",
                "starts_on": world.a.post.starts_on,
            }
        ),
        user=world.a.iscg,
    )  # two posts: the form asks which one
    form = PersonForm({"post": world.b.post.pk, "last_name": "Test"}, scope=scope_of(world.a.iscg))
    assert "post" not in form.fields or refused(form, "post")


def test_orientation_form_refuses_a_partner_of_another_department(world):
    form = OrientationForm(
        {"kind": "orientation", "partner": world.b.partner.pk, "oriented_on": "2026-01-10", "status": "proposed"},
        followup=world.a.followup,
        scope=scope_of(world.a.iscg),
    )
    assert refused(form, "partner")


def test_partner_form_refuses_another_department(world):
    form = PartnerForm({"department": world.b.department.pk, "name": "X"}, scope=scope_of(world.a.coordinator))
    assert refused(form, "department")


def test_staff_form_refuses_units_posts_and_departments_of_another_department(world):
    scope = scope_of(world.a.coordinator)
    assert refused(StaffForm({"units": [world.b.unit.pk]}, scope=scope), "units")
    assert refused(StaffForm({"post": world.b.post.pk}, scope=scope), "post")
    assert refused(StaffForm({"departments": [world.b.department.pk]}, scope=scope), "departments")


def test_convention_forms_refuse_other_departments_posts_and_funders(world):
    scope = scope_of(world.a.coordinator)
    departments = Department.objects.visible_to(scope)
    form = ConventionForm(
        {"department": world.b.department.pk},
        scope=scope,
        departments=departments,
        conventions=world.a.convention.__class__.objects.visible_to(scope),
    )
    assert refused(form, "department")
    posts = Post.objects.visible_to(scope)
    assert refused(PostShareForm({"post": world.b.post.pk, "fte_share": "1"}, posts=posts), "post")
    funders = Funder.objects.visible_to(scope)
    b_funder = Funder.objects.filter(department=world.b.department).first()
    form = PaymentForm({"funder": b_funder.pk}, funders=funders, years=world.a.convention.years)
    assert refused(form, "funder")


def test_import_upload_refuses_a_post_of_another_department(world):
    assert refused(UploadForm({"post": world.b.post.pk}, scope=scope_of(world.a.iscg)), "post")


@pytest.mark.parametrize("persona", ["officer_a", "iscg_a"])
def test_filing_a_referral_for_another_departments_unit_writes_nothing(world, client, persona):
    sign_in(client, world.users[persona])
    before = Referral.objects.count()
    response = client.post(reverse("referrals:create"), {"unit": world.b.unit.pk, "source": "complaint"})
    assert response.status_code in (200, 400, 404)
    assert Referral.objects.count() == before


def test_posting_a_payment_for_another_departments_funder_writes_nothing(world, client):
    sign_in(client, world.a.coordinator)
    b_funder = Funder.objects.filter(department=world.b.department).first()
    before = Payment.objects.count()
    url = reverse("conventions:payment_create", kwargs={"public_id": world.a.convention.public_id})
    response = client.post(
        url,
        {
            "funder": b_funder.pk,
            "year": world.a.convention.starts_on.year,
            "kind": "payment",
            "amount": "100",
            "dated_on": "2026-01-15",
        },
    )
    assert response.status_code in (200, 400)
    assert Payment.objects.count() == before


def test_creating_a_person_in_another_departments_post_writes_nothing(world, client):
    sign_in(client, world.a.iscg)
    before = Person.objects.filter(post=world.b.post).count()
    client.post(reverse("casework:person_create"), {"post": world.b.post.pk, "last_name": "Intrus", "sex": "f"})
    assert Person.objects.filter(post=world.b.post).count() == before


def test_the_same_fields_accept_the_users_own_ids(world):
    """Control: the refusals above are about scope, not about a misnamed or always-invalid field."""
    officer, coordinator = scope_of(world.a.officer), scope_of(world.a.coordinator)
    form = ReferralForm({"unit": world.a.unit.pk}, scope=officer, user=world.a.officer)
    form.is_valid()
    assert "unit" not in form.errors
    for data, field in (
        ({"units": [world.a.unit.pk]}, "units"),
        ({"departments": [world.a.department.pk]}, "departments"),
    ):
        form = StaffForm(data, scope=coordinator)
        form.is_valid()
        assert field not in form.errors
    form = PartnerForm({"department": world.a.department.pk, "name": "X"}, scope=coordinator)
    form.is_valid()
    assert "department" not in form.errors
    form = UploadForm({"post": world.a.post.pk}, scope=scope_of(world.a.iscg))
    form.is_valid()
    assert "post" not in form.errors
