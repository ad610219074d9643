import pytest

from referrals.danger import evaluate_danger
from referrals.enums import Answer, FilledBy, GridPart
from referrals.models import DangerAssessment, GridItem, GridVersion
from referrals.services import danger_assessment_record
from tests.referrals.factories import ReferralFactory, current_grid


def answers(yes=0, red_yes=0, no=0, not_asked=0):
    return (
        [(Answer.YES, False)] * yes
        + [(Answer.YES, True)] * red_yes
        + [(Answer.NO, False)] * no
        + [(Answer.NOT_ASKED, False)] * not_asked
    )


@pytest.mark.parametrize(
    ("plain_yes", "red_yes", "expected"),
    [
        (11, 0, False),  # 11 yes: below the threshold
        (12, 0, True),  # 12 yes: danger
        (10, 1, False),  # 11 yes including 1 red: still below both thresholds
        (11, 1, True),  # 12 yes including 1 red
        (0, 1, False),  # 1 red yes: below the red threshold
        (0, 2, True),  # 2 red yes: danger whatever the total
    ],
)
def test_danger_is_characterised_from_12_yes_or_2_red_yes(plain_yes, red_yes, expected):
    outcome = evaluate_danger(answers(yes=plain_yes, red_yes=red_yes), yes_threshold=12, red_threshold=2)
    assert outcome.yes_count == plain_yes + red_yes
    assert outcome.red_yes_count == red_yes
    assert outcome.is_danger is expected


def test_not_asked_and_no_answers_never_count_as_yes():
    outcome = evaluate_danger(answers(no=12, not_asked=11), yes_threshold=12, red_threshold=2)
    assert (outcome.yes_count, outcome.red_yes_count, outcome.is_danger) == (0, 0, False)


def test_thresholds_come_from_the_grid_version():
    assert evaluate_danger(answers(yes=3), yes_threshold=3, red_threshold=9).is_danger
    assert not evaluate_danger(answers(red_yes=2), yes_threshold=30, red_threshold=3).is_danger


def test_the_2019_grid_is_seeded_with_23_questions_in_three_parts_and_5_red(db):
    version = GridVersion.objects.get(name="2019")
    assert version.is_current
    assert (version.yes_threshold, version.red_threshold) == (12, 2)
    items = list(version.items.order_by("position"))
    assert len(items) == 23
    assert [item.position for item in items] == list(range(1, 24))
    parts = [item.part for item in items]
    assert (parts.count(GridPart.VICTIM), parts.count(GridPart.AUTHOR), parts.count(GridPart.CONTEXT)) == (7, 9, 7)
    red = [item.text for item in items if item.is_red]
    assert len(red) == 5
    assert any("armes à feu" in text for text in red)
    assert any("étrangler" in text for text in red)
    assert any("menaces de mort" in text for text in red)
    assert any("séparé" in text for text in red)
    assert any("plus fréquentes" in text for text in red)


def _all(version, answer):
    return dict.fromkeys(version.items.values_list("pk", flat=True), answer)


def test_recording_a_grid_stores_every_answer_and_the_computed_outcome(db):
    version = current_grid()
    referral = ReferralFactory()
    grid = _all(version, Answer.NO)
    red_items = list(version.items.filter(is_red=True).order_by("position")[:2])
    grid.update({item.pk: Answer.YES for item in red_items})
    assessment = danger_assessment_record(
        referral=referral, by=referral.author, version=version, answers=grid, filled_by_kind=FilledBy.POLICE
    )
    assert assessment.answers.count() == 23
    assert (assessment.yes_count, assessment.red_yes_count, assessment.is_danger) == (2, 2, True)
    assert assessment.filled_by == referral.author
    assert assessment.filled_by_kind == FilledBy.POLICE


def test_editing_a_version_afterwards_never_changes_a_grid_already_filled(db):
    version = current_grid()
    referral = ReferralFactory()
    grid = _all(version, Answer.NO)
    red_item = version.items.filter(is_red=True).first()
    grid[red_item.pk] = Answer.YES
    assessment = danger_assessment_record(
        referral=referral, by=referral.author, version=version, answers=grid, filled_by_kind=FilledBy.ISCG
    )
    GridItem.objects.filter(pk=red_item.pk).update(is_red=False, text="Texte corrigé")
    version.red_threshold = 1
    version.save()
    assessment = DangerAssessment.objects.get(pk=assessment.pk)
    assert (assessment.red_yes_count, assessment.is_danger) == (1, False)
    assert assessment.answers.get(item=red_item).is_red is True
