from decimal import Decimal

from conventions import summaries
from conventions.models import Convention
from demo.frameworks import LOCAL_CONVENTIONS, seed_frameworks
from demo.seeding import seed_organisation
from organisation.enums import CoverageRule
from organisation.models import Post, Unit


def test_saone_et_loire_has_a_framework_with_3_5_fte_created_of_6_and_is_idempotent(db):
    territory = seed_organisation()
    assert seed_frameworks(territory) == 1 + len(LOCAL_CONVENTIONS)
    assert seed_frameworks(territory) == 0
    framework = Convention.objects.get(department__code="71", kind="framework")
    progress = summaries.framework_progress(framework)
    assert progress.planned_fte == Decimal("6") and progress.created_fte == Decimal("3.5")
    assert sorted(row.created_fte for row in progress.local_conventions) == [
        Decimal("1"),
        Decimal("1"),
        Decimal("1.5"),
    ]
    shares = sorted(
        share
        for local in framework.local_conventions.all()
        for share in local.convention_posts.values_list("fte_share", flat=True)
    )
    assert shares == [Decimal("0.5"), Decimal("0.5"), Decimal("0.5"), Decimal("1"), Decimal("1")]


def test_saone_et_loire_has_a_shared_post_and_a_post_covering_a_company(db):
    territory = seed_organisation()
    seed_frameworks(territory)
    department = territory["71"]["department"]
    shared = Post.objects.filter(department=department, splits__isnull=False).distinct().get()
    assert sum(split.fte for split in shared.splits.all()) == shared.fte == Decimal("1")
    totals = Post.objects.filter(department=department).fte_by_force()
    assert totals["gendarmerie"] >= Decimal("0.5") and totals["police"] >= Decimal("0.5")
    charolais = Post.objects.get(department=department, coverage_rule=CoverageRule.GROUP)
    assert set(Post.objects.filter(department=department)) == set(territory["71"]["posts"])  # no post added
    assert charolais.coverage_group in Unit.objects.covered_by([charolais])
