import pytest

from consultation.demo import load_enjeux


@pytest.fixture
def demo_enjeux(db):
    load_enjeux()
