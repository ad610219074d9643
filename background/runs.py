"""Periodic tasks leave a trace: one TaskRun row per run (admin: Background work › Task runs) and a
log line, both with counts only."""

import functools
import logging
from collections.abc import Callable

from django.utils import timezone

from background.models import TaskRun

logger = logging.getLogger(__name__)


def recorded(name: str) -> Callable:
    """Decorate a function returning a one-line summary: each call is recorded as a TaskRun."""

    def decorator(func: Callable[..., str]) -> Callable[..., str]:
        @functools.wraps(func)
        def wrapper(*args, **kwargs) -> str:
            run = TaskRun.objects.create(name=name, started_at=timezone.now())
            try:
                summary = func(*args, **kwargs)
            except Exception as exc:
                run.succeeded, run.summary = False, f"{type(exc).__name__}"
                logger.exception("task %s failed", name)
                raise
            else:
                run.succeeded, run.summary = True, str(summary)[:500]
                logger.info("task %s: %s", name, run.summary)
                return summary
            finally:
                run.finished_at = timezone.now()
                run.save(update_fields=["succeeded", "summary", "finished_at"])

        return wrapper

    return decorator


def last_runs(*, limit: int = 20):
    return TaskRun.objects.all()[:limit]
