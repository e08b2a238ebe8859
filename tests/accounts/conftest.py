import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    # allauth keeps its rate-limit counters in the cache; every test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()
