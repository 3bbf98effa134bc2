"""The WSGI application ``make load`` serves: the product, plus one bare view as the floor.

gunicorn imports ``load_floor:application`` (``--pythonpath tools``). The
settings are the product's (``config.settings``, from the environment); only
the URL table differs: ``/__floor__`` answers "ok" through the whole middleware
stack and nothing else, and every other address goes to ``config.urls``. What
a page or the API costs above that floor is the product's own cost. The floor
never exists in the product: ``config.wsgi`` and ``config.urls`` know nothing
of it.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_not_required  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402

settings.ROOT_URLCONF = __name__

application = get_wsgi_application()


@login_not_required
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("__floor__", floor), path("", include("config.urls"))]
handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
