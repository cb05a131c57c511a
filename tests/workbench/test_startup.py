"""The workbench serves its first requests concurrently without errors.

The xblock-sdk loads scenarios on the first request, and concurrent first requests race to
create the same scenario rows; Foorumi's WSGI module loads them once at start-up.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.workbench


def test_eight_concurrent_first_requests_all_succeed(untouched_workbench):
    urls = [f"{untouched_workbench}/scenario/foorumi.{n % 3}/?student=first{n}" for n in range(8)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda url: requests.get(url, timeout=60).status_code, urls))
    assert statuses == [200] * 8
