"""docs/domain.md holds every section the code cites (`DOMAIN.md §7.2`, `docs/domain.md §5`…)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"(?:docs/domain|DOMAIN)\.md §(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\.? ", re.MULTILINE)
SKIPPED = {".venv", ".git", "staticfiles", "media", "node_modules"}


def cited_sections() -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".md", ".html"} or SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for section in CITATION.findall(path.read_text(encoding="utf-8")):
            cited.setdefault(section, set()).add(str(path.relative_to(ROOT)))
    return cited


def test_domain_doc_keeps_the_numbering_the_code_cites():
    headings = set(HEADING.findall((ROOT / "docs" / "domain.md").read_text(encoding="utf-8")))
    assert {"1", "2", "3", "4", "5", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "8", "9"} <= headings
    missing = {section: files for section, files in cited_sections().items() if section not in headings}
    assert missing == {}


def test_domain_doc_defines_every_indicator_of_the_bilan():
    text = (ROOT / "docs" / "domain.md").read_text(encoding="utf-8")
    sources = "".join(path.read_text() for path in sorted((ROOT / "reporting" / "indicators").glob("*.py")))
    computed = set(re.findall(r'Indicator\(\s*"([A-I]\d)"', sources))
    assert len(computed) >= 30
    documented = set(re.findall(r"^\| ([A-I]\d) \|", text, re.MULTILINE))
    assert computed == documented
