from django.contrib.auth import middleware as auth_middleware


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Every page requires login; the API answers for itself.

    API views authenticate with tokens or sessions and must answer an anonymous
    caller with a 401 JSON body, not a redirect to the login page, so DRF's
    default ``IsAuthenticated`` permission guards everything under ``/api/``.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class HealthProbeMiddleware:
    """Answer ``/healthz`` and ``/readyz`` before the host check (and, with
    ``SECURE_REDIRECT_EXEMPT``, without the HTTPS redirect); security headers still apply.

    The container's own health check calls ``http://127.0.0.1:8000/healthz``:
    plain http, with a Host that is not in ``ALLOWED_HOSTS``. Behind a TLS proxy
    in production both would otherwise be refused (a 301 to https, or a 400),
    and compose would mark a healthy web container unhealthy. The probes reveal
    nothing but up/down, so they need neither a host nor TLS.
    """

    def __init__(self, get_response):
        from . import health

        self.get_response = get_response
        self.probes = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
