from django.core.management.base import BaseCommand
from django.db import transaction

from demo.casework import seed_casework
from demo.conventions import seed_conventions
from demo.frameworks import seed_frameworks
from demo.referrals import seed_referrals
from demo.seeding import seed_organisation
from iscg.environment import refuse_in_production


class Command(BaseCommand):
    help = "Load the demo data set (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        refuse_in_production("seed_demo")
        self._seed()

    @transaction.atomic
    def _seed(self):
        territory = seed_organisation()
        convention_count = seed_conventions(territory) + seed_frameworks(territory)
        referral_count = seed_referrals(territory)
        followup_count = seed_casework(territory)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(territory)} departments, {referral_count} new referrals, "
                f"{convention_count} new conventions, {followup_count} new follow-ups."
            )
        )
