from django.contrib import admin  # noqa: F401

from . import admin_risk  # noqa: F401
