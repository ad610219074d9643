"""The outbox: e-mails are queued with the change that causes them and sent by the worker, whatever
the mail server does (issue 19)."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from background.enums import EmailStatus
from background.models import OutgoingEmail
from background.outbox import describe_error, email_send, outbox_sweep, queue_email, retry_delay
from referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.background.worker import Inbox, free_port, pass_time, run_worker
from tests.organisation.factories import PostAssignmentFactory
from tests.referrals.test_views import form_data


@pytest.fixture
def smtp_port(settings):
    """The SMTP backend, pointed at a local port where nothing listens (yet)."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return port


def test_with_the_mail_server_down_the_referral_is_filed_and_each_iscg_gets_exactly_one_email_once_it_is_back(
    world, client_for, huey_queue, smtp_port, django_capture_on_commit_callbacks
):
    colleague = UserFactory(iscg=True, email="iscg.colleague@test.example")
    PostAssignmentFactory(post=world.a.post, user=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("officer_a").post(reverse("referrals:create"), form_data(world.a.unit))
    assert response.status_code == 302
    referral = Referral.objects.get(author=world.a.officer, unit=world.a.unit, callback_contact="Poste 4412")

    run_worker(huey_queue)  # the mail server refuses the connection
    queued = OutgoingEmail.objects.order_by("to")
    assert [(e.to, e.status, e.attempts) for e in queued] == [
        ("iscg.a@test.example", EmailStatus.PENDING, 1),
        ("iscg.colleague@test.example", EmailStatus.PENDING, 1),
    ]
    assert {e.last_error for e in queued} == {"ConnectionRefusedError ECONNREFUSED"}
    assert all(e.next_attempt_at for e in queued)

    with Inbox(smtp_port) as inbox:
        pass_time(huey_queue, retry_delay(1))  # the planned retries run
        outbox_sweep()
        run_worker(huey_queue)  # the sweep finds nothing more to send
    assert sorted(recipients for recipients, _ in inbox.messages) == [
        ["iscg.a@test.example"],
        ["iscg.colleague@test.example"],
    ]
    assert all(referral.number.encode() in content for _, content in inbox.messages)
    assert all(b"Lemaire" not in content and b"06 11" not in content for _, content in inbox.messages)
    sent = OutgoingEmail.objects.all()
    assert {(e.status, e.attempts, e.body) for e in sent} == {(EmailStatus.SENT, 2, "")}  # bodies erased


def test_a_task_run_twice_sends_once(world, huey_queue):
    (email,) = queue_email(to="iscg.a@test.example", subject="Saisine 1", body="Lien")
    assert email_send(email_id=email.pk) is None
    assert email_send(email_id=email.pk) is None  # the worker crashed after sending and runs the task again
    outbox_sweep()
    run_worker(huey_queue)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1 and email.sent_at


def test_a_worker_dying_while_sending_leaves_the_message_to_the_sweep(world, huey_queue):
    (email,) = queue_email(to="iscg.a@test.example", subject="Saisine 2", body="Lien")
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING, claimed_at=email.created_at - datetime.timedelta(hours=1)
    )
    assert email_send(email_id=email.pk) is None and mail.outbox == []  # claimed: nobody else sends it
    assert outbox_sweep() == {"requeued": 1, "unstuck": 1}
    run_worker(huey_queue)
    assert len(mail.outbox) == 1  # at least once


def test_nothing_is_queued_when_the_change_is_rolled_back(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queue_email(to="iscg.a@test.example", subject="Saisine 3", body="Lien")
        raise RuntimeError("the change fails")
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_message_failing_every_attempt_is_listed_for_the_admin_without_its_body_and_can_be_retried(
    world, client_for, huey_queue, smtp_port, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    secret = "reset-token-0f3a9c"
    with django_capture_on_commit_callbacks(execute=True):
        (email,) = queue_email(to="iscg.a@test.example", subject="Réinitialisation", body=f"Lien /{secret}/")
    run_worker(huey_queue)
    pass_time(huey_queue, retry_delay(1))
    pass_time(huey_queue, retry_delay(2))
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (EmailStatus.FAILED, 3, None)

    admin = client_for("admin")
    listing = admin.get(reverse("admin:background_outgoingemail_changelist") + "?status__exact=failed")
    assert listing.status_code == 200
    assert "iscg.a@test.example" in listing.content.decode() and "ConnectionRefusedError" in listing.content.decode()
    detail = admin.get(reverse("admin:background_outgoingemail_change", args=[email.pk])).content.decode()
    assert secret not in detail and secret not in listing.content.decode()

    with Inbox(smtp_port) as inbox:
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(
                reverse("admin:background_outgoingemail_changelist"),
                {"action": "retry", "_selected_action": [email.pk]},
            )
        assert response.status_code == 302
        run_worker(huey_queue)
    assert [recipients for recipients, _ in inbox.messages] == [["iscg.a@test.example"]]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


@pytest.mark.parametrize("persona", ["coordinator_a", "iscg_a", "officer_a", "funder_a"])
def test_only_the_administrator_sees_the_outbox(world, client_for, persona):
    response = client_for(persona).get(reverse("admin:background_outgoingemail_changelist"))
    assert response.status_code in (302, 403, 404)


def test_the_recorded_error_is_its_kind_never_the_servers_text():

    refused = smtplib.SMTPRecipientsRefused({"victime@example.org": (550, b"no such user victime@example.org")})
    assert describe_error(refused) == "SMTPRecipientsRefused"
    assert describe_error(smtplib.SMTPDataError(451, b"try later, iscg.a@test.example")) == "SMTPDataError SMTP 451"


def test_retries_back_off_up_to_an_hour(settings):
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]
