import datetime
import re

from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import TEST_PASSWORD, UserFactory

URL = "/connexion/"


def attempt(client, email, password="wrong password", ip="10.0.0.1"):
    return client.post(URL, {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_fifth_failure_locks_the_account_and_the_right_password_is_refused(db):
    user = UserFactory(email="agent@test.example")
    client = Client()
    for _ in range(4):
        assert attempt(client, "agent@test.example").status_code == 200
    locked = attempt(client, "Agent@Test.example ")  # same account, other spelling
    assert locked.status_code == 429
    assert "bloquée pendant 15 minutes" in locked.content.decode()
    response = attempt(client, user.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is on the (username, address) pair: the owner on another address still signs in
    # (tests/security/test_attack_accounts.py).
    assert attempt(Client(), user.email, TEST_PASSWORD, ip="10.9.9.9").status_code == 302


def test_lock_is_released_after_fifteen_minutes(db):
    user = UserFactory(email="agent@test.example")
    client = Client()
    for _ in range(5):
        attempt(client, user.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    response = attempt(client, user.email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_lockout_page_does_not_reveal_whether_the_account_exists(db):
    UserFactory(email="real@test.example")
    real, ghost = Client(), Client()
    for _ in range(5):
        last_real = attempt(real, "real@test.example")
        last_ghost = attempt(ghost, "ghost@test.example", ip="10.0.0.2")
    assert last_real.status_code == last_ghost.status_code == 429

    def page(response):
        return re.sub(r'nonce="[^"]+"', "", response.content.decode())

    assert page(last_real) == page(last_ghost)


def test_other_accounts_stay_open_during_a_lockout(db):
    UserFactory(email="locked@test.example")
    other = UserFactory(email="other@test.example")
    client = Client()
    for _ in range(5):
        attempt(client, "locked@test.example")
    response = attempt(client, other.email, TEST_PASSWORD)
    assert response.status_code == 302


def test_a_success_resets_the_failure_count(db):
    user = UserFactory(email="agent@test.example")
    for _ in range(4):
        attempt(Client(), user.email)
    assert attempt(Client(), user.email, TEST_PASSWORD).status_code == 302
    for _ in range(4):
        assert attempt(Client(), user.email).status_code == 200
