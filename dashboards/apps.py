from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """The coordinators' and funders' home pages: the top layer, it reads the other apps and nothing imports it."""

    name = "dashboards"
    verbose_name = _("Home pages")
