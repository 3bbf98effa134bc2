import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Assertions below read English messages; the zh-Hans UI has its own checks."""
    with translation.override("en"):
        yield
