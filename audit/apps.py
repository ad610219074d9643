from django.apps import AppConfig
from django.db.models.signals import pre_save


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit"

    def ready(self):
        from auditlog.models import LogEntry

        from audit.history import neutral_object_repr, register_history

        register_history()
        pre_save.connect(neutral_object_repr, sender=LogEntry, dispatch_uid="audit_neutral_object_repr")
