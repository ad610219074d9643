from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic national volume (generate_volume) and the benchmarks run by ``make bench``. No models."""

    name = "bench"
    verbose_name = "Benchmarks"
