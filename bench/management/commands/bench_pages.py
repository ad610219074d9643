"""``manage.py bench_pages``: each role's main pages through Django's test Client, signed in as bench users.

For each page: median and p95 of the server time (the whole request in process: middleware, view,
template) over ``--runs`` requests, the query count, and the status. Run against the generated
volume; the second factor is switched off for these in-process requests only (REQUIRE_2FA=False).
Prints figures; asserts nothing about time.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from bench.measure import bench_post, bench_user, summary, timed
from casework.models import FollowUp
from referrals.models import Referral


class Command(BaseCommand):
    help = "Time each role's main pages on the generated volume (prints median, p95 and query count)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--skip-bilan", action="store_true", help="Leave out the bilan pages.")

    def handle(self, *args, runs, skip_bilan, **options):
        post = bench_post()
        department = post.department
        users = {
            Role.POLICE: bench_user(Role.POLICE, post=post),
            Role.ISCG: bench_user(Role.ISCG, post=post),
            Role.COORDINATOR: bench_user(Role.COORDINATOR, department=department),
            Role.FUNDER: bench_user(Role.FUNDER, department=department),
        }
        if not all(users.values()):
            raise CommandError("Bench users are missing: run generate_volume first.")
        followup = (
            FollowUp.objects.filter(post=post).open().order_by("-opened_on", "pk").first()
            or FollowUp.objects.filter(post=post).order_by("-opened_on", "pk").first()
        )
        referral = Referral.objects.filter(author=users[Role.POLICE]).order_by("-referred_at").first()
        year = timezone.localdate().year - 1
        period = f"start={datetime.date(year, 1, 1)}&end={datetime.date(year, 12, 31)}"
        pages = [
            ("police", "referral list", Role.POLICE, reverse("referrals:unit_list")),
            ("police", "new referral form", Role.POLICE, reverse("referrals:create")),
            # An officer follows a referral on its confirmation page (the triage page is the ISCG's).
            (
                "police",
                "referral (officer)",
                Role.POLICE,
                reverse("referrals:confirmation", kwargs={"public_id": referral.public_id}),
            ),
            ("iscg", "triage queue", Role.ISCG, reverse("referrals:queue")),
            ("iscg", "follow-up list", Role.ISCG, reverse("casework:followup_list")),
            ("iscg", "follow-up detail", Role.ISCG, followup.get_absolute_url()),
            ("iscg", "agenda", Role.ISCG, reverse("casework:agenda")),
            ("iscg", "person list", Role.ISCG, reverse("casework:person_list")),
            ("coordinator", "follow-ups (dept)", Role.COORDINATOR, reverse("casework:department_followups")),
            ("coordinator", "convention list", Role.COORDINATOR, reverse("conventions:convention_list")),
        ]
        if not skip_bilan:
            bilan = reverse("reporting:bilan")
            post_year = f"{bilan}?scope=post:{post.public_id}&{period}"
            department_year = f"{bilan}?scope=department:{department.code}&{period}"
            # Each bilan twice: computed (recalculer=1, as when first opened) and from the cache of
            # computed bilans (reporting/caching.py: opened again within BILAN_CACHE_SECONDS).
            pages += [
                ("iscg", "bilan post computed", Role.ISCG, f"{post_year}&recalculer=1"),
                ("iscg", "bilan post (cache)", Role.ISCG, post_year),
                ("coordinator", "bilan dept computed", Role.COORDINATOR, f"{department_year}&recalculer=1"),
                ("coordinator", "bilan dept (cache)", Role.COORDINATOR, department_year),
                ("funder", "bilan dept (cache)", Role.FUNDER, f"{department_year}&diffusion=on"),
            ]
        self.stdout.write(f"Pages, {runs} requests each, database {connection.vendor}")
        self.stdout.write(f"{'role':12} {'page':20} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        clients = {}
        with override_settings(REQUIRE_2FA=False):
            for role_label, name, role, url in pages:
                client = clients.get(role)
                if client is None:
                    client = clients[role] = Client()
                    client.force_login(users[role])
                client.get(url)  # warm-up (template loading, first connection)
                times, queries, status = [], 0, 0
                for _ in range(runs):
                    with timed() as result:
                        response = client.get(url)
                    times.append(result.seconds)
                    queries, status = result.queries, response.status_code
                median, p95 = summary(times)
                self.stdout.write(f"{role_label:12} {name:20} {status:6d} {median:10.1f} {p95:8.1f} {queries:8d}")
