"""How a bilan reads: its figures formatted for people, and the one-page summary in sentences.

Every output (charts, PDF, CSV, XLSX) formats values through ``format_value`` and ``format_percent``
so that a figure reads the same everywhere. Only Bilan objects are read, never the database.
"""

from collections.abc import Callable
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conventions.templatetags.money import euros, percent
from reporting.bilan import SECONDARY_MASK, Bilan, FigureUnit, Indicator, Period, Value

# Totals compared with the previous period (table and chart of the PDF), in this order when present.
HEADLINE_IDS = ("A1", "B1", "B2", "C2", "E3", "F1", "F3")

DAYS_PER_MONTH = 30.44  # as F2 (reporting.indicators)
MAX_DETAILS = 3  # secondary figures of an indicator quoted in its sentence

# Cell keys of the indicators the summary reads (casework.enums values).
HELD_KEY = "done"  # C2: interventions held (InterventionStatus.HELD)
UNKNOWN_TO_SOCIAL_SERVICES_KEY = "no"  # B7: KnownToSocialServices.NO


def _place_phrases() -> dict[str, str]:
    """B9 place keys (casework.enums.Place) → "%(count)s at the place", for the headline sentence."""
    return {
        "police_station": _("%(count)s at the police station"),
        "gendarmerie": _("%(count)s at the gendarmerie"),
        "town_hall": _("%(count)s at the town hall or CCAS"),
        "home": _("%(count)s at home"),
        "outside": _("%(count)s in another outside place"),
        "remote": _("%(count)s remotely"),
    }


# ---- Formatting ---------------------------------------------------------------------------------


def is_number(value: Value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def format_number(value: int | float | Decimal, decimals: int | None = None) -> str:
    """French grouping and decimal comma: 1 234 ; 4,5. Integral values show no decimals unless asked."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    value = round(value, decimals) if decimals else round(value)  # number_format would truncate
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def format_value(value: Value, unit: FigureUnit) -> str:
    """A figure as people read it: "1 234", "12 345,67 €", "4,5 jours"; a masked cell shows its string."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if unit == FigureUnit.CENTS:
        return euros(value)
    if unit == FigureUnit.DAYS:
        return ngettext("%(count)s day", "%(count)s days", int(value)) % {"count": format_number(value)}
    if unit == FigureUnit.RATIO:
        return format_number(value, 0 if float(value).is_integer() else 1)
    return format_number(value)


def format_percent(value: float | None) -> str:
    """ "61,2 %"; an empty string when there is no percentage (not meaningful, or masked)."""
    return "" if value is None else percent(round(value, 1), 1)


def format_change(current: Value, previous: Value) -> str:
    """ "+15,3 %" / "−4 %" from the previous to the current figure; empty when it cannot be computed."""
    if not (is_number(current) and is_number(previous)) or not previous:
        return ""
    change = 100 * (current - previous) / previous
    sign = "+" if change > 0 else "−" if change < 0 else ""
    return f"{sign}{percent(round(abs(change), 1), 1)}"


def format_date(day) -> str:
    return date_format(day, "DATE_FORMAT")


def period_label(period: Period) -> str:
    """ "du 1 janvier 2024 au 31 décembre 2024"."""
    return _("from %(start)s to %(end)s") % {"start": format_date(period.start), "end": format_date(period.end)}


def short_period_label(period: Period) -> str:
    """ "2024" for a civil year, else "01/01/2024 – 30/06/2024" (chart legends)."""
    if (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31):
        if period.start.year == period.end.year:
            return str(period.start.year)
        return f"{period.start.year}–{period.end.year}"
    return f"{date_format(period.start, 'SHORT_DATE_FORMAT')} – {date_format(period.end, 'SHORT_DATE_FORMAT')}"


def masking_notice(threshold: int) -> str:
    """What a "diffusion" output says about its masked figures."""
    return _(
        "Diffusion: any count of persons from 1 to %(highest)s is shown as “< %(threshold)s”, the percentages "
        "derived from it are removed, and some other cells are hidden (“%(secret)s”) so that a masked figure "
        "cannot be recomputed from a total."
    ) % {"highest": threshold - 1, "threshold": threshold, "secret": SECONDARY_MASK}


# ---- Summary sentences --------------------------------------------------------------------------


def _count(value: Value) -> tuple[str, int] | None:
    """(text, number for the plural) of a count in a sentence; None when the sentence cannot use it."""
    if is_number(value):
        return format_number(value), int(value)
    if isinstance(value, str) and value.startswith("<"):
        threshold = value.lstrip("< ").strip()
        return _("fewer than %(threshold)s") % {"threshold": threshold}, 2  # always plural
    return None  # None, or a secondary-suppressed cell ("secret")


def _cell(indicator: Indicator | None, key: str):
    if indicator is None:
        return None
    return next((cell for cell in indicator.breakdown if cell.key == key), None)


def _counted(bilan: Bilan, indicator_id: str, phrase: Callable[[int], str], zero: str = "") -> str | None:
    """One sentence from an indicator's total: phrase(n) is an ngettext with %(count)s; zero: its own text."""
    indicator = bilan.indicators.get(indicator_id)
    if indicator is None:
        return None
    if indicator.total == 0:
        return zero or None  # "0 referrals were closed…" says nothing: left out unless a zero has its own text
    count = _count(indicator.total)
    if count is None:
        return None
    text, number = count
    return capfirst(phrase(number) % {"count": text})


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _shown(value: Value) -> bool:
    """Whether a cell is worth a mention in a sentence: a non-zero number or a masked small count."""
    return (is_number(value) and value != 0) or (isinstance(value, str) and value != SECONDARY_MASK)


def _labelled(label: str, value: str) -> str:
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _headline(bilan: Bilan) -> str | None:
    """ "Au cours de 412 rendez-vous, 98 personnes ont été rencontrées : 80 au commissariat et 31 à la mairie."."""
    persons = bilan.indicators.get("B1")
    if persons is None:
        return None
    if persons.total == 0:
        return _("No person was met during the period.")
    count = _count(persons.total)
    if count is None:
        return None
    persons_text, persons_number = count
    interventions = bilan.indicators.get("C2")
    held = _cell(interventions, HELD_KEY)
    held_value = held.value if held is not None else (interventions.total if interventions else None)
    held_count = _count(held_value) if held_value else None
    if held_count:
        appointments = ngettext("%(count)s appointment", "%(count)s appointments", held_count[1]) % {
            "count": held_count[0]
        }
        sentence = ngettext(
            "During %(appointments)s, %(count)s person was met",
            "During %(appointments)s, %(count)s persons were met",
            persons_number,
        ) % {"appointments": appointments, "count": persons_text}
    else:
        sentence = capfirst(
            ngettext("%(count)s person was met", "%(count)s persons were met", persons_number)
            % {"count": persons_text}
        )
    places = []
    phrases = _place_phrases()
    for cell in bilan.indicators["B9"].breakdown if "B9" in bilan.indicators else ():
        if not _shown(cell.value):
            continue
        text = _count(cell.value)[0]
        places.append(phrases[cell.key] % {"count": text} if cell.key in phrases else f"{text} ({cell.label})")
    if len(places) > 1:
        # A person met in several places counts in each (B9 is multi-valued): the places may add up to
        # more than the persons met, and the sentence says so.
        return _("%(text)s, each counted once in every place where they were met: %(details)s.") % {
            "text": sentence,
            "details": _join(places),
        }
    if places:
        return _("%(text)s: %(details)s.") % {"text": sentence, "details": _join(places)}
    return f"{sentence}."


def _new_persons(bilan: Bilan) -> str | None:
    persons, new = bilan.indicators.get("B1"), bilan.indicators.get("B2")
    if new is None:
        return None
    if persons is None or not _shown(persons.total):
        return _counted(
            bilan,
            "B2",
            lambda n: ngettext(
                "%(count)s person was met for the first time.", "%(count)s persons were met for the first time.", n
            ),
        )
    if new.total == 0:
        return _("None of them was met for the first time.")
    count = _count(new.total)
    if count is None:
        return None
    return ngettext(
        "%(count)s of them was met for the first time.", "%(count)s of them were met for the first time.", count[1]
    ) % {"count": count[0]}


def _unknown_to_social_services(bilan: Bilan) -> str | None:
    cell = _cell(bilan.indicators.get("B7"), UNKNOWN_TO_SOCIAL_SERVICES_KEY)
    if cell is None or cell.value == 0:
        return None
    count = _count(cell.value)
    if count is None:
        return None
    text, number = count
    if cell.percent is None:
        return capfirst(
            ngettext(
                "%(count)s person was not known to social services at first contact.",
                "%(count)s persons were not known to social services at first contact.",
                number,
            )
            % {"count": text}
        )
    return capfirst(
        ngettext(
            "%(count)s person, %(percent)s, was not known to social services at first contact.",
            "%(count)s persons, %(percent)s, were not known to social services at first contact.",
            number,
        )
        % {"count": text, "percent": format_percent(cell.percent)}
    )


def _compared(bilan: Bilan) -> str | None:
    """How the persons met changed since the previous period."""
    if bilan.previous is None or "B1" not in bilan.indicators or "B1" not in bilan.previous.indicators:
        return None
    current, previous = bilan.indicators["B1"].total, bilan.previous.indicators["B1"].total
    if bilan.incomplete_comparison:
        # The previous period recorded less activity: its figures side by side, never a ratio.
        if not (is_number(current) and is_number(previous)):
            return None
        return ngettext(
            "Previous period (%(period)s, %(note)s): %(previous)s person met, against %(current)s in this period.",
            "Previous period (%(period)s, %(note)s): %(previous)s persons met, against %(current)s in this period.",
            int(previous),
        ) % {
            "period": short_period_label(bilan.previous.period),
            "note": bilan.incomplete_comparison,
            "previous": format_number(previous),
            "current": format_number(current),
        }
    change = format_change(current, previous)
    if not change:
        return None
    return _(
        "Compared with the previous period (%(period)s), the number of persons met went from %(previous)s "
        "to %(current)s (%(change)s)."
    ) % {
        "period": short_period_label(bilan.previous.period),
        "previous": format_number(previous),
        "current": format_number(current),
        "change": change,
    }


def _durations(bilan: Bilan) -> str | None:
    """F2 in one unit at a time: "The 12 follow-ups closed lasted 55 days on average (1.8 months)…"."""
    indicator = bilan.indicators.get("F2")
    if indicator is None:
        return None
    details = {key: value for key, _label, value, _unit in indicator.details}
    mean, median = details.get("mean_days"), details.get("median_days")
    if not is_number(mean):
        return None

    def months(days_key: str, months_key: str) -> str:
        value = details.get(months_key)
        return format_number(value if is_number(value) else details[days_key] / DAYS_PER_MONTH, 1)

    figures = {"mean": format_value(mean, FigureUnit.DAYS), "mean_months": months("mean_days", "mean_months")}
    if is_number(median) and median != mean:
        figures |= {
            "median": format_value(median, FigureUnit.DAYS),
            "median_months": months("median_days", "median_months"),
        }
        measure = (
            _("%(mean)s on average (%(mean_months)s months) and %(median)s at the median (%(median_months)s months)")
            % figures
        )
    else:
        measure = _("%(mean)s on average (%(mean_months)s months)") % figures
    count = _count(details.get("measured"))
    if count is None:
        return _("The follow-ups closed lasted %(measure)s, from their first held intervention.") % {
            "measure": measure
        }
    return capfirst(
        ngettext(
            "%(count)s follow-up closed lasted %(measure)s, from its first held intervention.",
            "%(count)s follow-ups closed lasted %(measure)s, from their first held intervention.",
            count[1],
        )
        % {"count": count[0], "measure": measure}
    )


def indicator_sentence(indicator: Indicator, *, with_total: bool = True, limit: int = 4) -> str | None:
    """A plain sentence for any indicator: its label and total, its secondary figures, its largest cells."""
    parts = []
    has_total = with_total and indicator.total not in (None, SECONDARY_MASK, 0)
    if has_total:
        head = _labelled(capfirst(indicator.label), format_value(indicator.total, indicator.unit))
    else:
        head = capfirst(indicator.label)
    for _key, label, value, unit in indicator.details:
        if value in (None, SECONDARY_MASK, 0) or (has_total and (value, unit) == (indicator.total, indicator.unit)):
            continue  # nothing to say, or the total again
        if len(parts) < MAX_DETAILS:
            parts.append(_labelled(label, format_value(value, unit)))
    if parts:
        head = f"{head} ({', '.join(parts)})"
    cells = [cell for cell in indicator.breakdown if _shown(cell.value)]
    # Largest first; masked small counts after every number.
    cells.sort(key=lambda cell: (not is_number(cell.value), -cell.value if is_number(cell.value) else 0))
    items = []
    for cell in cells[:limit]:
        value = format_value(cell.value, indicator.unit)
        if cell.percent is not None:
            value = f"{value} ({format_percent(cell.percent)})"
        items.append(_labelled(cell.label, value))
    if items:
        if indicator.is_multi_valued and len(items) > 1:
            # The cells may add up to more than the total: the sentence says why.
            head = _("%(label)s (a person can count in several categories)") % {"label": head}
        ending = ", …" if len(cells) > limit else "."
        return f"{head} — {', '.join(items)}{ending}"
    if not (has_total or parts):
        return None  # nothing to say: no figure, or only zeros
    return f"{head}."


MAX_HIGHLIGHTS = 7


def highlights(bilan: Bilan) -> list[str]:
    """« Faits marquants » of page 1: at most seven sentences, the most telling first — who was met
    and how often, the change since the previous period (or both figures and the coverage note when
    that period is incomplete), first contacts, danger, referrals, orientations and transmissions,
    durations. Each one is a sentence of ``summary_sentences``: true as read by someone who adds its
    numbers, masked cells as « moins de 11 », secondary-suppressed ones left out."""

    def counted(indicator_id: str, singular: str, plural: str) -> Callable[[], str | None]:
        return lambda: _counted(bilan, indicator_id, lambda n: ngettext(singular, plural, n))

    candidates = (
        lambda: _headline(bilan),
        lambda: _compared(bilan),
        lambda: _new_persons(bilan),
        counted(
            "D2",
            "%(count)s person was in characterised danger or flagged in very great danger.",
            "%(count)s persons were in characterised danger or flagged in very great danger.",
        ),
        counted("A1", "%(count)s referral was received.", "%(count)s referrals were received."),
        counted(
            "E3",
            "%(count)s person was oriented towards a partner.",
            "%(count)s persons were oriented towards partners.",
        ),
        counted(
            "E4",
            "%(count)s child-protection transmission was made.",
            "%(count)s child-protection transmissions were made.",
        ),
        lambda: _unknown_to_social_services(bilan),
        lambda: _durations(bilan),
    )
    chosen = []
    for candidate in candidates:
        sentence = candidate()
        if sentence:
            chosen.append(sentence)
        if len(chosen) == MAX_HIGHLIGHTS:
            break
    return chosen


def summary_sentences(bilan: Bilan) -> list[str]:
    """The one-page summary of a bilan in French sentences, built from its figures.

    Copes with missing indicators (the sentence is left out), zeros, masked cells ("moins de 11") and
    secondary-suppressed ones (left out), and uses singular or plural as the figure asks.
    """
    indicators = bilan.indicators

    def generic(indicator_id: str, **options) -> str | None:
        indicator = indicators.get(indicator_id)
        return indicator_sentence(indicator, **options) if indicator is not None else None

    sentences = [
        _headline(bilan),
        _compared(bilan),
        _new_persons(bilan),
        _unknown_to_social_services(bilan),
        generic("B3", with_total=False),
        generic("B4", with_total=False, limit=3),
        generic("B6", with_total=False, limit=3),
        _counted(
            bilan,
            "D2",
            lambda n: ngettext(
                "%(count)s person was in characterised danger or flagged in very great danger.",
                "%(count)s persons were in characterised danger or flagged in very great danger.",
                n,
            ),
        ),
        _counted(
            bilan,
            "A1",
            lambda n: ngettext("%(count)s referral was received.", "%(count)s referrals were received.", n),
            zero=_("No referral was received."),
        ),
        _counted(
            bilan,
            "A3",
            lambda n: ngettext(
                "%(count)s referral was closed without follow-up.",
                "%(count)s referrals were closed without follow-up.",
                n,
            ),
        ),
        generic("A4"),
        _counted(
            bilan,
            "E3",
            lambda n: ngettext(
                "%(count)s person was oriented towards a partner.",
                "%(count)s persons were oriented towards partners.",
                n,
            ),
        ),
        _counted(
            bilan,
            "E4",
            lambda n: ngettext(
                "%(count)s child-protection transmission was made.",
                "%(count)s child-protection transmissions were made.",
                n,
            ),
        ),
        _counted(
            bilan, "F1", lambda n: ngettext("%(count)s follow-up was closed.", "%(count)s follow-ups were closed.", n)
        ),
        _durations(bilan),
        _counted(
            bilan,
            "F3",
            lambda n: ngettext(
                "%(count)s follow-up was still open at the end of the period.",
                "%(count)s follow-ups were still open at the end of the period.",
                n,
            ),
        ),
        _counted(
            bilan,
            "G1",
            lambda n: ngettext(
                "%(count)s steering committee or partnership meeting was held.",
                "%(count)s steering committees or partnership meetings were held.",
                n,
            ),
        ),
        generic("I3"),
        generic("I4"),
    ]
    return [sentence for sentence in sentences if sentence]
