import threading

import pytest

from reporting import indicators


@pytest.fixture
def person_query_threads(monkeypatch) -> dict:
    """{period: the thread its person query (PersonFacts.of) ran in}, filled as bilans are computed."""
    threads = {}
    compute = indicators.PersonFacts.of.__func__

    def facts_of(cls, filters, bounds):
        threads[bounds.period] = threading.current_thread()
        return compute(cls, filters, bounds)

    monkeypatch.setattr(indicators.PersonFacts, "of", classmethod(facts_of))
    return threads
