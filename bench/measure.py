"""Small helpers of the benchmarks: timing, percentiles, the bench data's subjects and users."""

import statistics
import time
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from bench.volume.organisation import EMAIL_DOMAIN
from organisation.models import Post


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    return statistics.median(values) * 1000, percentile(values, 0.95) * 1000


@contextmanager
def timed():
    """``with timed() as t: ...`` then ``t.seconds`` and ``t.queries``."""

    class Result:
        seconds = 0.0
        queries = 0
        captured: list[dict] = []

    result = Result()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        yield result
        result.seconds = time.perf_counter() - started
    result.queries = len(captured.captured_queries)
    result.captured = captured.captured_queries


def bench_post() -> Post:
    """The busiest bench post's... the first one: post 0001 of the lowest seed."""
    post = Post.objects.filter(name__startswith="Poste ISCG banc").order_by("pk").first()
    if post is None:
        raise SystemExit("No bench data: run `manage.py generate_volume` first.")
    return post


def bench_user(role: str, *, post: Post | None = None, department=None) -> User:
    users = User.objects.filter(role=role, email__endswith=f"@{EMAIL_DOMAIN}", is_active=True)
    if post is not None and role == "iscg":
        users = users.filter(post_assignments__post=post)
    if post is not None and role == "police":
        users = users.filter(units__posts=post)
    if department is not None:
        users = users.filter(departments=department)
    return users.order_by("pk").first()
