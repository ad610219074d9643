"""The danger-grid rule (docs/domain.md §5), in one place.

"Danger caractérisé" is reached with at least ``yes_threshold`` "yes" answers, or at least
``red_threshold`` "yes" answers to red items. Both thresholds belong to the grid version.
Pure functions: no database access, so the form, the service and the tests share them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from referrals.enums import Answer


@dataclass(frozen=True)
class DangerOutcome:
    yes_count: int
    red_yes_count: int
    is_danger: bool


def evaluate_danger(answers: Iterable[tuple[str, bool]], *, yes_threshold: int, red_threshold: int) -> DangerOutcome:
    """``answers`` are (answer, is_red) pairs; "no" and "not asked" both count as not yes."""
    yes_count = red_yes_count = 0
    for answer, is_red in answers:
        if answer == Answer.YES:
            yes_count += 1
            if is_red:
                red_yes_count += 1
    is_danger = yes_count >= yes_threshold or red_yes_count >= red_threshold
    return DangerOutcome(yes_count=yes_count, red_yes_count=red_yes_count, is_danger=is_danger)
