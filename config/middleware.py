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
