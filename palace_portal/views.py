from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request):
    # Resolved per request: the manifest storage of production only knows the hashed name
    # once collectstatic has run, which is after the URLconf is first imported.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
