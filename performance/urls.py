"""Pages of performance management (/performance/...): each sub-domain adds its URLs here."""

app_name = "performance"

urlpatterns: list = []
