from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # Fail at start-up, not at the first read, when a key is malformed.
        from privacy import crypto

        crypto.check_configuration()
