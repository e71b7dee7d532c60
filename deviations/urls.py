from django.urls import URLPattern, URLResolver

app_name = "deviations"

urlpatterns: list[URLPattern | URLResolver] = []
