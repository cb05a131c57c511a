"""Hypothesis settings for the domain tests: fast by default, thorough on request.

Run ``HYPOTHESIS_PROFILE=domain-thorough python -m pytest tests/domain`` for a longer search.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("domain", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("domain-thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "domain"))
