"""The XLSX « Code » column and scope code are readable: indicator ids, never public ids (issue 20)."""

import re
import uuid

from django.utils import translation

from reporting import exports
from reporting.bilan import Bilan, BilanScope, Cell, FigureUnit, Indicator, ScopeKind
from tests.reporting.samples import PERIOD, sample_bilan
from tests.reporting.test_exports import open_xlsx

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def every_value(workbook) -> list[str]:
    return [str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value]


def codes(sheet) -> list[str]:
    header = next(cell for row in sheet.iter_rows() for cell in row if cell.value == "Code")
    return [
        row[header.column - 1].value for row in sheet.iter_rows(min_row=header.row + 1) if row[header.column - 1].value
    ]


def test_no_public_id_anywhere_in_a_post_bilan_workbook():
    post_id, funder_id, unit_id = (str(uuid.uuid4()) for _ in range(3))
    bilan = Bilan(
        scope=BilanScope(ScopeKind.POST, post_id, "Poste d'Amiens (80)"),
        period=PERIOD,
        indicators={
            "A2": Indicator(
                "A2", "Saisines par unité", FigureUnit.REFERRALS, 4, (Cell(unit_id, "Commissariat d'Amiens", 4),)
            ),
            "I1": Indicator(
                "I1",
                "Cofinancement engagé",
                FigureUnit.CENTS,
                300,
                (Cell(funder_id, "Préfecture", 200), Cell(str(uuid.uuid4()), "Commune", 100)),
                details=(("committed", "Engagé", 300, FigureUnit.CENTS),),
            ),
        },
    )
    with translation.override("fr"):
        workbook = open_xlsx(exports.bilan_xlsx(bilan))
    assert not [value for value in every_value(workbook) if UUID.search(value)]
    assert "poste: Poste d'Amiens (80)" in every_value(workbook)
    assert codes(workbook["Cofinancement"]) == ["I1.1", "I1.2", "I1", "I1.committed"]
    assert codes(workbook["Saisines"]) == ["A2.1", "A2"]


def test_enumeration_keys_keep_their_code_after_the_indicator_id():
    with translation.override("fr"):
        workbook = open_xlsx(exports.bilan_xlsx(sample_bilan()))
    persons = codes(workbook["Personnes rencontrées"])
    assert "B3.f" in persons and "B3" in persons
