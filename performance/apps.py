from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance management")

    def ready(self) -> None:
        from . import signals

        signals.connect()
