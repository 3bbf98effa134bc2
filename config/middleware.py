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


class MethodNotAllowedPageMiddleware:
    """A page opened with the wrong method (``GET /accounts/logout/``, a submit URL
    typed into the address bar) explains itself in the reader's language.

    Django answers such requests with an empty 405; pages get ``405.html``
    instead, with the same status and ``Allow`` header. The API answers for
    itself (DRF's JSON 405), so ``/api/`` is left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.path_info.startswith("/api/")
            or getattr(response, "streaming", False)
            or response.content
        ):
            return response
        from django.shortcuts import render

        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
