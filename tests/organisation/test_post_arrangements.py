"""A post shared between forces (its split) and a post covering units by rule (units created later too)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisation import posts
from organisation.enums import CoverageRule, SplitForce, UnitKind, Zone
from organisation.models import Post, PostSplit, Unit
from tests.conventions.test_views import management_form
from tests.organisation.factories import PostFactory, UnitFactory, department

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def arrangement_url(post):
    return reverse("organisation:post_arrangement", kwargs={"public_id": post.public_id})


# ---- Split --------------------------------------------------------------------------------------


def test_a_share_is_for_a_unit_or_a_zone_in_the_database():
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PostSplit.objects.create(post=post, unit=None, zone="", fte=Decimal("0.5"))


def test_shares_must_add_up_to_the_post_fte_with_a_french_message():
    post = PostFactory(fte="1.00")
    unit = UnitFactory(department=post.department)
    with pytest.raises(ValidationError) as error:
        posts.post_arrangement_set(
            post=post,
            coverage_rule=CoverageRule.LISTED,
            shares=[
                posts.ShareData(fte=Decimal("0.5"), unit=unit),
                posts.ShareData(fte=Decimal("0.25"), zone="gendarmerie"),
            ],
        )
    assert "doivent totaliser son ETP (1) : elles totalisent 0,75" in str(error.value)
    assert not post.splits.exists()


def test_a_share_cannot_name_a_unit_of_another_department():
    post = PostFactory(fte="1.00")
    other = UnitFactory(department=department("42"))
    with pytest.raises(ValidationError):
        posts.post_arrangement_set(
            post=post, coverage_rule=CoverageRule.LISTED, shares=[posts.ShareData(fte=Decimal("1"), unit=other)]
        )


def test_a_share_names_only_a_unit_the_post_covers():
    """A share for a unit the post neither lists nor reaches by its rule is an entry error."""
    post = PostFactory(fte="1.00")
    listed = UnitFactory(department=post.department, name="Commissariat d'Abbeville")
    post.units.add(listed)
    stranger = UnitFactory(department=post.department, name="Commissariat de Rue")
    brigade = UnitFactory(department=post.department, brigade=True, name="Brigade de Crécy")
    shares = [posts.ShareData(fte=Decimal("0.5"), unit=listed), posts.ShareData(fte=Decimal("0.5"), unit=stranger)]
    with pytest.raises(ValidationError) as error:
        posts.post_arrangement_set(post=post, coverage_rule=CoverageRule.LISTED, shares=shares)
    assert "Le poste ne couvre pas l’unité Commissariat de Rue" in str(error.value)
    assert "Abbeville" not in str(error.value)
    assert not post.splits.exists()
    # A unit the rule being set reaches is covered, in the same save.
    shares = [posts.ShareData(fte=Decimal("0.5"), unit=listed), posts.ShareData(fte=Decimal("0.5"), unit=brigade)]
    posts.post_arrangement_set(post=post, coverage_rule=CoverageRule.DEPARTMENT_GENDARMERIE, shares=shares)
    assert {split.unit for split in post.splits.all()} == {listed, brigade}


def test_department_fte_counts_a_shared_post_once_and_forces_use_the_split():
    dep = department("80")
    commissariat = UnitFactory(department=dep)
    shared = PostFactory(department=dep, fte="1.00", zone=Zone.MIXED, units=[commissariat])
    PostFactory(department=dep, fte="1.00", zone=Zone.POLICE)
    posts.post_arrangement_set(
        post=shared,
        coverage_rule=CoverageRule.LISTED,
        shares=[
            posts.ShareData(fte=Decimal("0.5"), unit=commissariat),
            posts.ShareData(fte=Decimal("0.5"), zone=SplitForce.GENDARMERIE),
        ],
    )
    totals = Post.objects.filter(department=dep).fte_by_force()
    assert totals == {"police": Decimal("1.5"), "gendarmerie": Decimal("0.5"), "mixed": Decimal(0)}


def test_the_coordinator_splits_a_post_through_the_page(world, client_for):
    client = client_for("coordinator_a")
    post = world.a.post
    data = {
        "coverage_rule": CoverageRule.LISTED,
        "coverage_group": "",
        "version": post.version,
        **management_form("shares", 2),
        "shares-0-unit": str(world.a.unit.pk),
        "shares-0-zone": "",
        "shares-0-fte": "0,5",
        "shares-1-unit": "",
        "shares-1-zone": "gendarmerie",
        "shares-1-fte": "0,5",
    }
    response = client.post(arrangement_url(post), data)
    assert response.status_code == 302
    assert {(s.unit_id, s.zone, s.fte) for s in post.splits.all()} == {
        (world.a.unit.pk, "", Decimal("0.50")),
        (None, "gendarmerie", Decimal("0.50")),
    }
    detail = client.get(post.get_absolute_url()).content.decode()
    assert "Zone gendarmerie — 0,5" in detail
    page = client.get(reverse("organisation:department_detail", kwargs={"code": world.a.department.code}))
    assert page.context["total_fte"] == Decimal("1.00")
    assert page.context["fte_by_force"]["gendarmerie"] == Decimal("0.5")


@pytest.mark.parametrize(
    "overrides",
    [
        {"shares-0-fte": "0,3"},  # does not add up
        {"shares-0-fte": "beaucoup"},
        {"shares-0-zone": "police"},  # a unit and a zone
        {"shares-TOTAL_FORMS": "abc"},
        {"coverage_rule": "everything"},
        {"coverage_rule": "group"},  # without its company
    ],
)
def test_bad_arrangements_get_a_clear_error_and_nothing_is_saved(world, client_for, overrides):
    data = {
        "coverage_rule": CoverageRule.LISTED,
        **management_form("shares", 2),
        "shares-0-unit": str(world.a.unit.pk),
        "shares-0-fte": "0,5",
        "shares-1-zone": "gendarmerie",
        "shares-1-fte": "0,5",
        **overrides,
    }
    response = client_for("coordinator_a").post(arrangement_url(world.a.post), data)
    assert response.status_code == 200
    assert not world.a.post.splits.exists()


# ---- Coverage by rule ---------------------------------------------------------------------------


def test_a_rule_covers_units_created_later_from_their_creation_date():
    dep = department("80")
    post = PostFactory(department=dep, starts_on=datetime.date(2024, 1, 1))
    posts.post_arrangement_set(post=post, coverage_rule=CoverageRule.DEPARTMENT_GENDARMERIE, shares=[])
    old = UnitFactory(department=dep, brigade=True)
    new = UnitFactory(department=dep, brigade=True, opened_on=TODAY - datetime.timedelta(days=3))
    future = UnitFactory(department=dep, brigade=True, opened_on=TODAY + datetime.timedelta(days=10))
    commissariat = UnitFactory(department=dep)
    elsewhere = UnitFactory(department=department("42"), brigade=True)
    covered = {row.unit: row.since for row in posts.covered_units(post)}
    assert covered == {old: datetime.date(2024, 1, 1), new: TODAY - datetime.timedelta(days=3)}
    assert future not in covered and commissariat not in covered and elsewhere not in covered
    assert set(Post.objects.covering(new)) == {post}
    assert not Post.objects.covering(future).exists()


def test_a_company_rule_covers_the_company_and_its_units():
    dep = department("80")
    company = UnitFactory(department=dep, kind=UnitKind.COMPANY, name="Compagnie de Péronne")
    brigade = UnitFactory(department=dep, brigade=True, parent=company)
    other = UnitFactory(department=dep, brigade=True)
    post = PostFactory(department=dep)
    posts.post_arrangement_set(post=post, coverage_rule=CoverageRule.GROUP, coverage_group=company, shares=[])
    assert set(Unit.objects.covered_by([post])) == {company, brigade}
    assert other not in Unit.objects.covered_by([post])


def test_a_group_rule_needs_its_company_in_the_database():
    post = PostFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=post.pk).update(coverage_rule=CoverageRule.GROUP)


def test_the_post_page_lists_the_units_covered_today_and_since_when(world, client_for):
    UnitFactory(
        department=world.a.department, brigade=True, name="Brigade de Ham", opened_on=datetime.date(2026, 3, 2)
    )
    data = {
        "coverage_rule": CoverageRule.DEPARTMENT_GENDARMERIE,
        "version": world.a.post.version,
        **management_form("shares", 0),
    }
    client = client_for("coordinator_a")
    assert client.post(arrangement_url(world.a.post), data).status_code == 302
    content = client.get(world.a.post.get_absolute_url()).content.decode()
    assert "Brigade de Ham" in content and "depuis le 02/03/2026" in content
    assert world.a.unit.name in content  # the listed unit stays covered


def test_a_unit_added_in_the_admin_is_dated_today_so_rules_cover_it_from_today(world, client_for):
    response = client_for("admin").get(reverse("admin:organisation_unit_add"))
    assert response.status_code == 200
    assert response.context["adminform"].form.initial["opened_on"] == TODAY


def test_the_department_page_lists_shared_posts_and_the_units_each_rule_covers(
    world, client_for, django_assert_max_num_queries
):
    dep = world.a.department
    shared = Post.objects.get(pk=world.a.post.pk)
    half = shared.fte / 2
    posts.post_arrangement_set(
        post=shared,
        coverage_rule=CoverageRule.LISTED,
        shares=[
            posts.ShareData(fte=half, unit=world.a.unit),
            posts.ShareData(fte=half, zone=SplitForce.GENDARMERIE),
        ],
    )
    brigades = [UnitFactory(department=dep, name=f"Brigade {n}", kind=UnitKind.BRIGADE) for n in (1, 2)]
    covering = PostFactory(department=dep, fte="1.00", zone=Zone.GENDARMERIE)
    posts.post_arrangement_set(post=covering, coverage_rule=CoverageRule.DEPARTMENT_GENDARMERIE, shares=[])
    UnitFactory(department=department("42"), name="Brigade ailleurs", kind=UnitKind.BRIGADE)
    client = client_for("coordinator_a")
    url = reverse("organisation:department_detail", kwargs={"code": dep.code})
    client.get(url)  # warm the session
    with django_assert_max_num_queries(30):
        page = client.get(url)
    rows = {row.post: row for row in page.context["arrangements"]}
    assert [split.fte for split in rows[shared].splits] == [half, half]
    assert rows[shared].rule_units == []
    assert rows[covering].rule_units == brigades  # by name; not the other department's brigade
    text = page.content.decode()
    assert "Postes partagés et règles de couverture" in text
    assert "Toutes les unités de gendarmerie du département" in text and "Brigade ailleurs" not in text


def test_two_coordinators_arranging_the_same_post_do_not_silently_overwrite_each_other(world, client_for):
    """Both load the page; the first saves a split; the second's save (from the older page) answers 409
    with their input kept and writes nothing; saving again knowingly replaces the first one's."""
    post = world.a.post
    first, second = client_for("coordinator_a"), client_for("admin")
    loaded = first.get(arrangement_url(post)).context["form"]["version"].value()
    assert second.get(arrangement_url(post)).context["form"]["version"].value() == loaded
    common = {"coverage_group": "", "version": str(loaded)}
    split = {
        **common,
        **management_form("shares", 2),
        "coverage_rule": CoverageRule.LISTED,
        "shares-0-unit": str(world.a.unit.pk),
        "shares-0-fte": "0,5",
        "shares-1-zone": "gendarmerie",
        "shares-1-fte": "0,5",
    }
    assert first.post(arrangement_url(post), split).status_code == 302
    by_rule = {**common, **management_form("shares", 0), "coverage_rule": CoverageRule.DEPARTMENT_GENDARMERIE}
    response = second.post(arrangement_url(post), by_rule)
    assert response.status_code == 409
    assert "Quelqu’un d’autre a enregistré cette fiche" in response.content.decode()
    assert "couverture" in response.content.decode()  # the field the first one's save changed
    post.refresh_from_db()
    assert post.coverage_rule == CoverageRule.LISTED and post.splits.count() == 2  # the first one's, untouched
    form = response.context["form"]
    assert form.data["coverage_rule"] == CoverageRule.DEPARTMENT_GENDARMERIE  # what they typed, kept
    assert second.post(arrangement_url(post), form.data).status_code == 302
    post.refresh_from_db()
    assert post.coverage_rule == CoverageRule.DEPARTMENT_GENDARMERIE and not post.splits.exists()


def test_a_change_in_the_admin_site_makes_an_older_arrangement_page_conflict(world, client_for, rf):
    post = world.a.post
    loaded = client_for("coordinator_a").get(arrangement_url(post)).context["form"]["version"].value()
    post.fte = Decimal("0.8")
    admin.site._registry[Post].save_model(rf.post("/"), post, form=None, change=True)
    data = {
        "coverage_rule": CoverageRule.LISTED,
        "coverage_group": "",
        "version": loaded,
        **management_form("shares", 0),
    }
    assert client_for("coordinator_a").post(arrangement_url(post), data).status_code == 409
