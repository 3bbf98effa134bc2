"""Compliance models. Content rules, checks, overrides and filings live here;
risk (incidents, emergency plans, drills) and privacy (consent, data-subject
requests, retention) in their own modules, imported below so Django sees them.
"""

from django.db import models  # noqa: F401

from .models_privacy import *  # noqa: E402, F401, F403
from .models_risk import *  # noqa: E402, F401, F403
