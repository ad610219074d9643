"""A funder reads their home page (issue 17) to learn what their masked bilan hides.

The home shows the key figures of the last complete year and of the year to date. The attacker compares
every figure of the home with the masked bilan they download (JSON, through HTTP, as the funder), looks
for the exact small counts in the page, tries query parameters to get another period or threshold, and
reads the year to date, which no masked bilan publishes. The coordinator's exact bilan says what is hidden."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.funding import KEY_FIGURES
from reporting.bilan import FigureUnit
from reporting.summary import format_value
from tests.casework.factories import FollowUpFactory, InterventionFactory

pytestmark = pytest.mark.django_db

LAST_YEAR = timezone.localdate().year - 1


def _meet(post, persons: int, when: datetime.datetime) -> None:
    for _index in range(persons):
        InterventionFactory(followup=FollowUpFactory(post=post, opened_on=when.date()), starts_at=when)


def _tiles(content: str) -> dict[str, str]:
    """Figure id → the text of its tile, as the page prints it."""
    return {
        f"{year_index}-{key}": value.strip()
        for year_index, key, value in re.findall(r'id="figure-80-(\d)-(\w+)">([^<]*)</strong>', content)
    }


def _bilan_json(client, start: datetime.date, end: datetime.date) -> dict:
    response = client.get(
        reverse("reporting:bilan_export", kwargs={"fmt": "json"}),
        {"scope": "department:80", "start": start.isoformat(), "end": end.isoformat()},
    )
    assert response.status_code == 200
    return json.loads(response.content)


def test_every_figure_of_the_home_is_the_one_of_the_funders_masked_bilan(world, client_for):
    _meet(
        world.a.post,
        4,
        timezone.make_aware(datetime.datetime.combine(datetime.date(LAST_YEAR, 3, 3), datetime.time(10))),
    )
    funder, coordinator = client_for("funder_a"), client_for("coordinator_a")
    tiles = _tiles(funder.get(reverse("dashboards:funder_home")).content.decode())
    masked = _bilan_json(funder, datetime.date(LAST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))
    exact = _bilan_json(coordinator, datetime.date(LAST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))
    assert masked["masking_threshold"] == 11 and exact["masking_threshold"] is None
    assert exact["indicators"]["B1"]["total"] == 4 and tiles["1-B1"] == "&lt; 11"
    shown = [key for key in KEY_FIGURES if key in masked["indicators"]]
    assert set(shown) == {"A1", "B1", "C1", "E3", "I4"}
    for key in shown:
        indicator = masked["indicators"][key]
        expected = format_value(indicator["total"], FigureUnit(indicator["unit"])).replace("<", "&lt;")
        assert tiles[f"1-{key}"] == expected, key
        hidden = exact["indicators"][key]["total"]
        if isinstance(indicator["total"], str):  # masked in the bilan: the exact value is nowhere on the tile
            assert format_value(hidden, FigureUnit(indicator["unit"])) not in tiles[f"1-{key}"]


def test_the_year_to_date_gives_nothing_away_and_parameters_change_nothing(world, client_for):
    # Two persons met this year (the world's one yesterday, one more today): a masked bilan never covers them.
    _meet(world.a.post, 1, timezone.now())
    funder = client_for("funder_a")
    plain = funder.get(reverse("dashboards:funder_home"))
    assert not [key for key in _tiles(plain.content.decode()) if key.startswith("2-")]
    year_to_date = plain.context["boards"][0].periods[1]
    assert year_to_date.figures == []
    for params in (
        {"start": f"{LAST_YEAR + 1}-01-01", "end": timezone.localdate().isoformat()},
        {"threshold": "3"},
        {"scope": "department:42", "year": str(LAST_YEAR + 1)},
    ):
        tried = funder.get(reverse("dashboards:funder_home"), params)
        assert _tiles(tried.content.decode()) == _tiles(plain.content.decode())
    # The funder's bilan for the same period is refused too: nothing to compare with, nothing to subtract.
    response = funder.get(
        reverse("reporting:bilan_export", kwargs={"fmt": "json"}),
        {"scope": "department:80", "start": f"{LAST_YEAR + 1}-01-01", "end": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
