from django.apps import AppConfig


class IscgConfig(AppConfig):
    """The project package as an app: it holds no models, only what every app relies on at start."""

    name = "iscg"
    verbose_name = "ISCG"

    def ready(self):
        from iscg import lookups  # noqa: F401 (registers the integer ``in`` lookup)
