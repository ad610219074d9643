import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.enums import Answer, ReferralStatus, Urgency
from referrals.models import GridVersion, Problem, Referral
from tests.accounts.factories import UserFactory
from tests.conftest import sign_in
from tests.referrals.factories import DangerAssessmentFactory, ReferralFactory, ReferralPersonFactory

DESCRIPTION = "Violences verbales répétées, la victime a quitté le domicile ce soir."


def form_data(unit, *, key=None, **overrides):
    referred_at = timezone.localtime() - datetime.timedelta(minutes=30)
    data = {
        "idempotency_key": str(key or uuid.uuid4()),
        "unit": unit.pk,
        "referred_at": referred_at.strftime("%Y-%m-%dT%H:%M"),
        "facts_at": "",
        "source": "complaint",
        "problems": [Problem.objects.get(code="violences_conjugales").pk],
        "urgency": Urgency.IMMEDIATE,
        "description": DESCRIPTION,
        "children_count": "2",
        "has_agreement": "on",
        "callback_contact": "Poste 4412",
        "persons-TOTAL_FORMS": "2",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "1",
        "persons-MAX_NUM_FORMS": "12",
        "persons-0-role": "victim",
        "persons-0-last_name": "Lemaire",
        "persons-0-first_name": "Sarah",
        "persons-0-sex": "f",
        "persons-0-age": "29",
        "persons-0-safe_phone": "06 11 22 33 44",
        "persons-0-best_time": "Le soir après 18 h",
        "persons-1-role": "accused",
        "persons-1-last_name": "Lemaire",
        "persons-1-first_name": "Kevin",
        "persons-1-sex": "m",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def grid_data(**answers_by_position):
    version = GridVersion.objects.get(is_current=True)
    return {
        f"grid-item_{item.pk}": answers_by_position.get(f"q{item.position}", Answer.NO) for item in version.items.all()
    }


# ---- Police: filing -----------------------------------------------------------------------------


def test_officer_files_a_referral_and_gets_its_number_on_the_confirmation_page(world, client_for):
    client = client_for("officer_a")
    response = client.post(reverse("referrals:create"), form_data(world.a.unit))
    referral = Referral.objects.exclude(pk=world.a.referral.pk).get(unit=world.a.unit)
    assert response.status_code == 302
    assert response.url == reverse("referrals:confirmation", kwargs={"public_id": referral.public_id})
    assert referral.author == world.a.officer
    assert referral.number.startswith(f"{timezone.localdate().year}-80-")
    assert referral.urgency == Urgency.IMMEDIATE
    assert referral.children_count == 2
    assert sorted(referral.persons.values_list("first_name", flat=True)) == ["Kevin", "Sarah"]
    page = client.get(response.url).content.decode()
    assert referral.number in page
    assert "Sarah" not in page and DESCRIPTION not in page  # the confirmation shows the number, not the content


def test_the_form_defaults_to_the_officers_unit_and_now_and_offers_only_their_units(world, client_for):
    response = client_for("officer_a").get(reverse("referrals:create"))
    form = response.context["form"]
    assert list(form.fields["unit"].queryset) == [world.a.unit]
    assert form.initial["referred_at"] <= timezone.localtime()
    assert form.initial["idempotency_key"]
    assert "screening" not in [value for value, _ in form.fields["source"].choices]
    content = response.content.decode()
    assert world.b.unit.name not in content
    assert 'name="idempotency_key"' in content
    assert 'name="persons-0-safe_phone"' in content
    assert 'id="danger-grid"' in content


def test_an_officer_cannot_file_for_another_unit(world, client_for):
    response = client_for("officer_a").post(reverse("referrals:create"), form_data(world.b.unit))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Referral.objects.filter(unit=world.b.unit).exclude(pk=world.b.referral.pk).exists()


def test_submitting_twice_files_one_referral(world, client_for):
    client = client_for("officer_a")
    data = form_data(world.a.unit)
    first = client.post(reverse("referrals:create"), data)
    second = client.post(reverse("referrals:create"), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Referral.objects.filter(idempotency_key=data["idempotency_key"]).count() == 1
    page = client.get(second.url)
    assert [m.level_tag for m in page.context["messages"]] == ["success", "info"]


def test_a_missing_agreement_is_refused_next_to_the_field_and_keeps_what_was_typed(world, client_for):
    count = Referral.objects.count()
    response = client_for("officer_a").post(reverse("referrals:create"), form_data(world.a.unit, has_agreement=None))
    assert response.status_code == 200
    assert Referral.objects.count() == count
    assert "has_agreement" in response.context["form"].errors
    content = response.content.decode()
    assert DESCRIPTION in content
    assert 'value="Lemaire"' in content
    assert 'value="06 11 22 33 44"' in content
    assert "fr-alert--error" in content


def test_no_agreement_is_needed_when_a_child_of_the_household_is_listed(world, client_for):
    data = form_data(world.a.unit, has_agreement=None, **{"persons-1-role": "household_child", "persons-1-sex": "m"})
    response = client_for("officer_a").post(reverse("referrals:create"), data)
    assert response.status_code == 302


def test_a_birth_date_in_the_future_is_refused_next_to_the_field(world, client_for):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for("officer_a").post(
        reverse("referrals:create"), form_data(world.a.unit, **{"persons-0-birth_date": tomorrow})
    )
    assert response.status_code == 200
    assert "birth_date" in response.context["persons"].forms[0].errors
    assert f'value="{tomorrow}"' in response.content.decode()


def test_a_referral_without_any_person_is_refused(world, client_for):
    data = form_data(world.a.unit, **{"persons-TOTAL_FORMS": "1"})
    for name in ("last_name", "first_name", "age", "safe_phone", "best_time"):
        data.pop(f"persons-0-{name}")
    data["persons-0-sex"] = "unknown"
    response = client_for("officer_a").post(reverse("referrals:create"), data)
    assert response.status_code == 200
    assert response.context["persons"].non_form_errors()


def test_a_half_filled_grid_is_refused_with_a_message_on_each_missing_answer(world, client_for):
    grid = grid_data(q1=Answer.YES)
    unanswered = list(grid)[10:]
    for name in unanswered:
        grid[name] = ""
    response = client_for("officer_a").post(reverse("referrals:create"), {**form_data(world.a.unit), **grid})
    assert response.status_code == 200
    grid_form = response.context["grid"]
    assert grid_form.non_field_errors()
    assert sorted(f"grid-{name}" for name in grid_form.errors if name != "__all__") == sorted(unanswered)
    assert 'value="yes" data-red="false" required' not in response.content.decode()


def test_a_full_grid_is_recomputed_by_the_server(world, client_for):
    # Positions 12 (firearms) and 14 (death threats) are red.
    grid = grid_data(q12=Answer.YES, q14=Answer.YES, q3=Answer.NOT_ASKED)
    response = client_for("officer_a").post(reverse("referrals:create"), {**form_data(world.a.unit), **grid})
    assert response.status_code == 302
    assessment = Referral.objects.get(unit=world.a.unit, status=ReferralStatus.SUBMITTED, persons__first_name="Sarah")
    assessment = assessment.danger_assessments.get()
    assert (assessment.yes_count, assessment.red_yes_count, assessment.is_danger) == (2, 2, True)
    assert assessment.filled_by == world.a.officer


# ---- Police: list and withdrawal ----------------------------------------------------------------


def test_the_police_list_shows_status_and_date_but_nothing_of_the_content(world, client_for):
    ReferralPersonFactory(referral=world.a.referral, last_name="Verdier", safe_phone="07 00 00 00 01")
    DangerAssessmentFactory(referral=world.a.referral, red=2)
    ReferralFactory(unit=world.a.unit, taken_up=True)
    response = client_for("officer_a").get(reverse("referrals:unit_list"))
    content = response.content.decode()
    assert world.a.referral.number in content
    assert world.b.referral.number not in content
    for secret in ("Verdier", "07 00 00 00 01", world.a.referral.description, "Danger"):
        assert secret not in content
    assert len(response.context["page"].object_list) == 2


def test_an_officer_cannot_see_another_units_referral(world, client_for):
    client = client_for("officer_b")
    for name in ("confirmation", "withdraw", "detail"):
        url = reverse(f"referrals:{name}", kwargs={"public_id": world.a.referral.public_id})
        assert client.get(url).status_code == 404, name


def test_an_officer_never_sees_the_grid_nor_the_persons_of_their_own_referral(world, client_for):
    DangerAssessmentFactory(referral=world.a.referral, red=2)
    client = client_for("officer_a")
    detail = reverse("referrals:detail", kwargs={"public_id": world.a.referral.public_id})
    assert client.get(detail).status_code == 403
    confirmation = client.get(reverse("referrals:confirmation", kwargs={"public_id": world.a.referral.public_id}))
    content = confirmation.content.decode()
    victim = world.a.referral.persons.get()
    assert victim.last_name not in content and victim.safe_phone not in content
    assert "armes" not in content


def test_the_author_withdraws_a_referral_filed_by_mistake(world, client_for):
    url = reverse("referrals:withdraw", kwargs={"public_id": world.a.referral.public_id})
    response = client_for("officer_a").post(url)
    assert response.status_code == 302
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.WITHDRAWN
    assert world.a.referral.withdrawn_by == world.a.officer


def test_a_colleague_cannot_withdraw_the_authors_referral_and_gets_a_message(world, client):
    colleague = UserFactory(police=True, units=[world.a.unit])
    sign_in(client, colleague)
    url = reverse("referrals:withdraw", kwargs={"public_id": world.a.referral.public_id})
    assert client.get(url).context["can_withdraw"] is False
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.SUBMITTED


# ---- ISCG: queue, detail and decisions ----------------------------------------------------------


def test_the_queue_orders_by_urgency_then_danger_then_age(world, client_for):
    now = timezone.now()
    world.a.referral.delete()
    old_normal = ReferralFactory(unit=world.a.unit, referred_at=now - datetime.timedelta(days=5))
    new_normal = ReferralFactory(unit=world.a.unit, referred_at=now - datetime.timedelta(days=1))
    danger_normal = ReferralFactory(unit=world.a.unit, referred_at=now - datetime.timedelta(hours=1))
    DangerAssessmentFactory(referral=danger_normal, red=2)
    not_danger_normal = ReferralFactory(unit=world.a.unit, referred_at=now - datetime.timedelta(days=9))
    DangerAssessmentFactory(referral=not_danger_normal, red=1)
    within_48h = ReferralFactory(unit=world.a.unit, within_48h=True, referred_at=now - datetime.timedelta(hours=2))
    immediate = ReferralFactory(unit=world.a.unit, immediate=True, referred_at=now - datetime.timedelta(minutes=5))
    response = client_for("iscg_a").get(reverse("referrals:queue"))
    numbers = [referral.number for referral in response.context["page"]]
    expected = [immediate, within_48h, danger_normal, not_danger_normal, old_normal, new_normal]
    assert numbers == [referral.number for referral in expected]


def test_the_queue_shows_open_referrals_of_the_iscgs_units_only_with_counts_per_status(world, client_for):
    ReferralFactory(unit=world.a.unit, received=True)
    ReferralFactory(unit=world.a.unit, taken_up=True)
    ReferralFactory(unit=world.a.unit, closed=True)
    response = client_for("iscg_a").get(reverse("referrals:queue"))
    statuses = sorted(referral.status for referral in response.context["page"])
    assert statuses == [ReferralStatus.RECEIVED, ReferralStatus.SUBMITTED]
    assert world.b.referral.number not in response.content.decode()
    counts = {status.value: count for status, count in response.context["counts"]}
    assert counts == {"submitted": 1, "received": 1, "taken_up": 1, "closed": 1, "withdrawn": 0}


def test_the_queue_filters_by_status_unit_channel_urgency_and_dates(world, client_for):
    closed = ReferralFactory(unit=world.a.unit, closed=True, immediate=True)
    client = client_for("iscg_a")
    url = reverse("referrals:queue")

    def numbers(**params):
        return {referral.number for referral in client.get(url, params).context["page"]}

    assert numbers(status="closed") == {closed.number}
    assert numbers(status="closed", urgency="normal") == set()
    assert numbers(source="logbook") == set()
    assert numbers(unit=world.a.unit.pk) == {world.a.referral.number}
    today = timezone.localdate()
    assert numbers(referred_after=(today + datetime.timedelta(days=1)).isoformat()) == set()
    assert numbers(referred_before=today.isoformat()) == {world.a.referral.number}
    unit_choices = client.get(url).context["filter"].form.fields["unit"].queryset
    assert list(unit_choices) == [world.a.unit]  # another department's units never appear
    response = client.get(url, {"unit": world.b.unit.pk})  # an out-of-scope choice is refused, the scope kept
    assert "unit" in response.context["filter"].form.errors
    assert world.b.referral.number not in {referral.number for referral in response.context["page"]}


def test_the_iscg_reads_the_referral_with_its_persons_and_grid(world, client_for):
    DangerAssessmentFactory(referral=world.a.referral, yes=12)
    response = client_for("iscg_a").get(world.a.referral.get_absolute_url())
    content = response.content.decode()
    victim = world.a.referral.persons.get()
    assert victim.last_name in content and victim.safe_phone in content
    assert world.a.referral.description in content
    assert "armes à feu" in content
    assert response.context["assessments"][0].is_danger


def test_an_iscg_of_another_department_cannot_see_nor_decide_on_the_referral(world, client_for):
    client = client_for("iscg_b")
    assert client.get(world.a.referral.get_absolute_url()).status_code == 404
    for name in ("receive", "take_up", "close"):
        url = reverse(f"referrals:{name}", kwargs={"public_id": world.a.referral.public_id})
        assert client.post(url, {"reason": "duplicate"}).status_code == 404
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.SUBMITTED


def test_the_iscg_marks_received_then_takes_up_through_the_follow_up(world, client_for):
    client = client_for("iscg_a")
    kwargs = {"public_id": world.a.referral.public_id}
    assert client.post(reverse("referrals:receive", kwargs=kwargs)).status_code == 302
    response = client.post(reverse("referrals:take_up", kwargs=kwargs))
    assert response.url == reverse("casework:followup_open_from_referral", kwargs=kwargs)
    victim = world.a.referral.persons.get()
    assert client.post(response.url, {"referral_person": victim.pk, "post": world.a.post.pk}).status_code == 302
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.TAKEN_UP
    assert world.a.referral.received_by == world.a.referral.taken_up_by == world.a.iscg


def test_the_iscg_closes_a_received_referral_with_a_reason(world, client_for):
    client = client_for("iscg_a")
    kwargs = {"public_id": world.a.referral.public_id}
    client.post(reverse("referrals:receive", kwargs=kwargs))
    client.post(reverse("referrals:close", kwargs=kwargs), {"reason": "unreachable"})
    world.a.referral.refresh_from_db()
    assert (world.a.referral.status, world.a.referral.closing_reason) == (ReferralStatus.CLOSED, "unreachable")


def test_an_impossible_transition_gets_a_clear_message_not_an_error_page(world, client_for):
    client = client_for("iscg_a")
    kwargs = {"public_id": world.a.referral.public_id}
    response = client.post(reverse("referrals:close", kwargs=kwargs), {"reason": ""}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    world.a.referral.refresh_from_db()
    assert world.a.referral.status == ReferralStatus.SUBMITTED


def test_the_iscg_records_a_screening_without_agreement_and_lands_on_the_referral(world, client_for):
    data = form_data(world.a.unit, source="screening", has_agreement=None)
    response = client_for("iscg_a").post(reverse("referrals:create"), data)
    referral = Referral.objects.get(idempotency_key=data["idempotency_key"])
    assert response.status_code == 302 and response.url == referral.get_absolute_url()
    assert referral.author == world.a.iscg


def test_the_navigation_shows_the_iscg_how_many_referrals_wait(world, client_for):
    ReferralFactory(unit=world.a.unit)
    ReferralFactory(unit=world.a.unit, received=True)
    ReferralFactory(unit=world.a.unit, taken_up=True)
    response = client_for("iscg_a").get(reverse("referrals:queue"))
    # The badge counts what the queue lists by default: submitted and received (issue 17: it said 2 for 3).
    assert response.context["REFERRALS_WAITING"] == 3 == response.context["page"].paginator.count
    assert client_for("officer_a").get(reverse("referrals:unit_list")).context["REFERRALS_WAITING"] is None


def test_the_coordinator_sees_the_departments_referrals_without_their_content(world, client_for):
    response = client_for("coordinator_a").get(reverse("referrals:overview"))
    content = response.content.decode()
    assert world.a.referral.number in content and world.b.referral.number not in content
    victim = world.a.referral.persons.get()
    assert victim.last_name not in content and world.a.referral.description not in content


def test_each_role_lands_on_its_referral_page(world, client_for):
    assert client_for("officer_a").get(reverse("home")).url == reverse("referrals:home")
    assert client_for("iscg_a").get(reverse("home")).url == reverse("casework:home")


# ---- Query counts -------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


LIST_PAGES = [
    ("officer_a", "referrals:unit_list"),
    ("iscg_a", "referrals:queue"),
    ("coordinator_a", "referrals:overview"),
]


@pytest.mark.parametrize(("persona", "url_name"), LIST_PAGES)
def test_list_pages_make_as_many_queries_for_1_referral_as_for_10(world, client_for, persona, url_name):
    client = client_for(persona)
    url = reverse(url_name)
    client.get(url)  # warm caches (content types, sessions)
    one = _count_queries(client, url)
    for index in range(9):
        referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, immediate=index % 2 == 0)
        ReferralPersonFactory(referral=referral, accused=True)
        if index % 3 == 0:
            DangerAssessmentFactory(referral=referral, red=2)
    assert _count_queries(client, url) == one


def test_the_iscg_fills_the_grid_again_and_it_is_recorded_as_theirs(world, client_for):
    client = client_for("iscg_a")
    url = reverse("referrals:grid_create", kwargs={"public_id": world.a.referral.public_id})
    empty = client.post(url, {})
    assert empty.status_code == 200
    assert empty.context["grid"].non_field_errors()
    assert not world.a.referral.danger_assessments.exists()
    response = client.post(url, grid_data(q15=Answer.YES, q17=Answer.YES))
    assert response.status_code == 302
    assessment = world.a.referral.danger_assessments.get()
    assert (assessment.filled_by, assessment.filled_by_kind, assessment.is_danger) == (world.a.iscg, "iscg", True)


def test_the_admin_reads_neither_referrals_nor_danger_grids(world, client_for):
    DangerAssessmentFactory(referral=world.a.referral, red=2)
    response = client_for("admin").get(world.a.referral.get_absolute_url())
    assert response.status_code == 403  # the admin manages reference data, not referrals' content
    assert "armes à feu" not in response.content.decode()
    assert world.a.referral.description not in response.content.decode()


def test_a_missing_agreement_is_reported_together_with_a_half_filled_grid(world, client_for):
    grid = grid_data(q1=Answer.YES)
    grid[next(iter(grid))] = ""
    data = {**form_data(world.a.unit, has_agreement=None), **grid}
    response = client_for("officer_a").post(reverse("referrals:create"), data)
    assert response.status_code == 200
    assert "has_agreement" in response.context["form"].errors
    assert response.context["grid"].non_field_errors()


# ---- Police: adding information -----------------------------------------------------------------

ADDENDUM = "La victime a changé de numéro : 07 55 44 33 22."


def test_an_officer_adds_information_the_iscg_reads_it_and_the_email_hides_it(
    world, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("referrals:add_information", kwargs={"public_id": world.a.referral.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("officer_a").post(url, {"text": ADDENDUM})
    assert response.status_code == 302
    assert world.a.referral.addenda.get().author == world.a.officer
    assert ADDENDUM in client_for("iscg_a").get(world.a.referral.get_absolute_url()).content.decode()
    confirmation = client_for("officer_a").get(response.url).content.decode()
    assert ADDENDUM not in confirmation  # the police see when they added information, not the content again
    assert [message.to for message in mailoutbox] == [["iscg.a@test.example"]]
    text = mailoutbox[0].subject + mailoutbox[0].body
    assert world.a.referral.number in text
    assert "07 55" not in text and "changé de numéro" not in text


def test_no_information_can_be_added_to_a_withdrawn_referral(world, client_for):
    referral = ReferralFactory(unit=world.a.unit, author=world.a.officer, withdrawn=True)
    url = reverse("referrals:add_information", kwargs={"public_id": referral.public_id})
    response = client_for("officer_a").post(url, {"text": ADDENDUM}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not referral.addenda.exists()


def test_the_referral_page_makes_as_many_queries_for_1_person_and_grid_as_for_10(world, client_for):
    client = client_for("iscg_a")
    url = world.a.referral.get_absolute_url()
    DangerAssessmentFactory(referral=world.a.referral)
    client.get(url)
    one = _count_queries(client, url)
    for _ in range(9):
        ReferralPersonFactory(referral=world.a.referral, child=True)
        DangerAssessmentFactory(referral=world.a.referral, yes=3)
        world.a.referral.addenda.create(author=world.a.officer, text="Complément.")
    assert _count_queries(client, url) == one
