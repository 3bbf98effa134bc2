from .views import evaluation, ingest

app_name = "analytics"

urlpatterns: list = [*ingest.urlpatterns, *evaluation.urlpatterns]
