import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: crawls every URL or fuzzes forms (tens of seconds)")


@pytest.fixture
def canary_world(world):
    """The world with unique marker strings planted in every encrypted text of side A."""
    from tests.security.canary import plant

    plant(world)
    return world
