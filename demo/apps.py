from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set (`seed_demo`). Reads every app; no app imports it."""

    name = "demo"
    verbose_name = _("Demo data")
