"""Fault tests: the app under a killed worker, a lost Redis or database, a full disk.

Every test here carries the ``faults`` marker (``pytest -m faults`` selects them).
The marker is registered here so that ``--strict-markers`` accepts it.
"""

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "faults: a fault is injected (killed worker, lost service, full disk)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/faults/" in str(item.fspath):
            item.add_marker(pytest.mark.faults)
