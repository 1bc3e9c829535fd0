"""Production: DEBUG off, a real secret key and host names are required."""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_DEBUG", "0")

from .base import *  # noqa: F403
from .base import DEBUG, SECRET_KEY

if DEBUG:
    raise ImproperlyConfigured("production settings must not run with DJANGO_DEBUG on")
if "DJANGO_SECRET_KEY" not in os.environ or SECRET_KEY.startswith("laptop-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
