import pytest


@pytest.fixture
def canary_world(world):
    """The world with unique marker strings planted in every encrypted text of side A."""
    from tests.security.canary import plant

    plant(world)
    return world
