"""Personas of STYLE.md §7: in departments A (Somme, 80) and B (Loire, 42), an officer, an ISCG, a
coordinator and a funder each, with a unit, a post and a partner per department; an admin; and an
anonymous visitor."""

import importlib
import os
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from huey.contrib.djhuey import HUEY
from huey.storage import MemoryStorage
from hypothesis import settings as hypothesis_settings

from accounts.models import TOTPDevice
from tests.accounts.factories import UserFactory
from tests.casework.factories import FollowUpFactory, InterventionFactory, OrientationFactory
from tests.conventions.factories import (
    ConventionDocumentFactory,
    PaymentFactory,
    SteeringCommitteeFactory,
    funded_convention,
)
from tests.organisation.factories import PartnerFactory, PostAssignmentFactory, PostFactory, UnitFactory, department
from tests.referrals.factories import ReferralFactory
from tests.reporting.factories import AdoptedBilanFactory

# Property-based tests draw the same examples at every run ("derandomize"), so that a finding fails the change
# that causes it, not a later session at random; HYPOTHESIS_PROFILE=explore draws new ones (and keeps them in
# .hypothesis/) to look for more.
hypothesis_settings.register_profile("derandomized", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))

PERSONAS = [
    "anonymous",
    "officer_a",
    "iscg_a",
    "coordinator_a",
    "funder_a",
    "officer_b",
    "iscg_b",
    "coordinator_b",
    "funder_b",
    "admin",
]


def restore_reference_data():
    """Transactional tests flush every table, data migrations' rows included: load them again."""
    for module in (
        "organisation.migrations.0002_load_departments",
        "organisation.migrations.0003_seed_partner_types",
        "referrals.migrations.0002_seed_problems",
        "referrals.migrations.0003_seed_danger_grid_2019",
    ):
        migration = importlib.import_module(module)
        loader = getattr(migration, "load", None) or migration.seed
        loader(django_apps, None)


@pytest.fixture
def committed_db(transactional_db):
    """Committed rows, as another connection sees them (transactional_db), reference data loaded."""
    restore_reference_data()


def sign_in(client: Client, user, *, verified: bool = True) -> Client:
    """Sign a test client in as user; verified: the session has passed the second factor too."""
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# Tasks run inside the call that queues them (Huey's immediate mode), unless a test asks for the queue.
HUEY.immediate = True


@pytest.fixture
def huey_queue(monkeypatch):
    """A real, in-memory queue: tasks wait until the test runs the worker (tests/background/worker.py).
    The worker's closing of database connections between tasks is left out: the test's transaction
    holds the rows the tasks read."""
    monkeypatch.setattr("huey.contrib.djhuey.close_old_connections", lambda: None)
    HUEY.immediate = False
    file_storage = HUEY.storage
    HUEY.storage = MemoryStorage(HUEY.name)
    yield HUEY
    HUEY.storage = file_storage
    HUEY.immediate = True


@pytest.fixture(autouse=True)
def _bilan_pdfs_in_the_request(settings):
    """The bilan tests written before the worker read department PDFs from the download's response;
    tests/background/test_bilan_documents.py switches the worker's preparation (the default) back on."""
    settings.BILAN_PDF_IN_BACKGROUND = False


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (computed bilans are kept there for a few minutes)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files (convention documents…) go to a temporary folder, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _add_conventions(side: SimpleNamespace) -> None:
    """A funded convention per side, with a document, a steering committee (and its bilan) and a call for funds."""
    side.convention = funded_convention(
        department_code=side.department.code, post=side.post, title=f"Convention {side.post.name}"
    )
    side.document = ConventionDocumentFactory(convention=side.convention)
    side.committee = SteeringCommitteeFactory(convention=side.convention, with_bilan=True)
    side.payment = PaymentFactory(convention=side.convention, call=True)  # from a funder without a rule


def _add_adopted_bilan(side: SimpleNamespace) -> None:
    """The department's bilan of two years ago, adopted at the side's committee (not the default year)."""
    side.adopted = AdoptedBilanFactory(
        department=side.department, adopted_by=side.coordinator, committee=side.committee
    )


def _add_casework(side: SimpleNamespace) -> None:
    """A follow-up of the side's post (its person, an intervention held by the side's ISCG, an orientation)."""
    side.followup = FollowUpFactory(post=side.post, person__created_by=side.iscg)
    side.person = side.followup.person
    side.intervention = InterventionFactory(followup=side.followup, with_private_note=True)
    side.orientation = OrientationFactory(followup=side.followup)


def _side(code: str, letter: str) -> SimpleNamespace:
    dep = department(code)
    unit = UnitFactory(department=dep, name=f"Commissariat {letter}")
    post = PostFactory(department=dep, name=f"Poste {letter}", units=[unit])
    iscg = UserFactory(iscg=True, email=f"iscg.{letter}@test.example")
    PostAssignmentFactory(post=post, user=iscg)
    officer = UserFactory(police=True, email=f"police.{letter}@test.example", units=[unit])
    return SimpleNamespace(
        department=dep,
        unit=unit,
        post=post,
        partner=PartnerFactory(department=dep, name=f"Partenaire {letter}"),
        officer=officer,
        referral=ReferralFactory(unit=unit, author=officer),  # submitted, filed by the side's officer
        iscg=iscg,
        coordinator=UserFactory(coordinator=True, email=f"coordination.{letter}@test.example", departments=[dep]),
        funder=UserFactory(funder=True, email=f"financeur.{letter}@test.example", departments=[dep]),
    )


@pytest.fixture
def world(db):
    a, b = _side("80", "a"), _side("42", "b")
    _add_conventions(a)
    _add_conventions(b)
    _add_casework(a)
    _add_casework(b)
    _add_adopted_bilan(a)
    _add_adopted_bilan(b)
    users = {
        "officer_a": a.officer,
        "iscg_a": a.iscg,
        "coordinator_a": a.coordinator,
        "funder_a": a.funder,
        "officer_b": b.officer,
        "iscg_b": b.iscg,
        "coordinator_b": b.coordinator,
        "funder_b": b.funder,
        "admin": UserFactory(admin=True, email="admin@test.example"),
    }
    return SimpleNamespace(a=a, b=b, users=users)


@pytest.fixture
def client_for(world):
    """client_for("iscg_a") -> a test client signed in as that persona (anonymous: signed out)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            sign_in(client, world.users[persona])
        return client

    return make
