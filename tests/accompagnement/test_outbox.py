"""The outbox: e-mails are rows of their request, tasks carry only their id, failures are visible to staff."""

from datetime import timedelta

from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from accompagnement import workflow
from accompagnement.models import Delivery, DiagnosticRequest, Email, Status
from tests.conftest import login_with_second_factor

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
UNREACHABLE_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
    }
}


def _run_worker():
    """What ``manage.py db_worker`` does with each ready task (the command itself closes the test's connection)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    while (task_result := DBTaskResult.objects.ready().get_locked()) is not None:
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)


def test_the_task_table_holds_no_address_name_or_follow_up_link(
    client, form_data, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)

    stored = str(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert DBTaskResult.objects.count() == 2
    for secret in ("secretariat@mairie-exemple.fr", "Marie", "/suivi/", "contactincubateur"):
        assert secret not in stored
    _run_worker()
    assert {email.to[0] for email in mailoutbox} == {
        "secretariat@mairie-exemple.fr",
        settings.STAFF_NOTIFICATION_EMAIL,
    }
    assert "/accompagnement/suivi/" in next(m.body for m in mailoutbox if m.to == ["secretariat@mairie-exemple.fr"])
    assert set(Email.objects.values_list("delivery", "body")) == {(Delivery.SENT, "")}


def test_the_purge_erases_the_outbox_and_old_task_rows_with_personal_data(submitted, admin_user):
    legacy = DBTaskResult.objects.create(
        task_path="accompagnement.tasks.send_email",
        args_kwargs={
            "args": [],
            "kwargs": {"template": "request_received", "to": ["secretariat@mairie-exemple.fr"], "context": {}},
        },
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.SUCCESSFUL,
    )
    workflow.move_request(submitted.pk, to=Status.DECLINED, by=admin_user, reason="sans_reponse")
    DiagnosticRequest.objects.filter(pk=submitted.pk).update(updated_at=timezone.now() - timedelta(days=800))
    assert Email.objects.filter(request=submitted).count() == 3

    call_command("purge_requests", verbosity=0)

    assert not Email.objects.filter(request=submitted).exists()
    assert not DBTaskResult.objects.filter(pk=legacy.pk).exists()


def test_a_failed_attempt_is_a_failed_task_and_a_new_one_waits(
    client, form_data, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    settings.MAILERS = UNREACHABLE_SMTP

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)
    _run_worker()

    assert DBTaskResult.objects.failed().count() == 2
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=timezone.now()).count() == 2
    email = Email.objects.get(to="secretariat@mairie-exemple.fr")
    assert (email.delivery, email.attempts) == (Delivery.PENDING, 1)
    assert "ConnectionRefusedError" in email.last_error


def test_staff_see_each_email_state_and_the_dashboard_counts_failures(
    client, form_data, settings, admin_user, django_capture_on_commit_callbacks
):
    settings.MAILERS = UNREACHABLE_SMTP
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accompagnement/demande/", form_data)
    request = DiagnosticRequest.objects.get()
    login_with_second_factor(client, admin_user)

    page = client.get(f"/admin/accompagnement/diagnosticrequest/{request.pk}/change/").content.decode()
    dashboard = client.get("/admin/accompagnement/diagnosticrequest/tableau-de-bord/").content.decode()

    assert set(Email.objects.values_list("delivery", "attempts")) == {(Delivery.FAILED, 5)}
    assert "État d&#x27;envoi des courriels" in page
    assert page.count("<td>échec</td>") == 2 and "5 tentative(s)" in page
    assert "2 courriels en échec" in dashboard
    assert request.reference in dashboard


def test_a_task_queued_before_the_outbox_is_still_sent_and_recorded(submitted, settings, mailoutbox):
    settings.TASKS = DATABASE_TASKS
    mailoutbox.clear()
    DBTaskResult.objects.create(
        task_path="accompagnement.tasks.send_email",
        args_kwargs={
            "args": [],
            "kwargs": {
                "template": "staff_message",
                "to": [submitted.email],
                "context": {"reference": submitted.reference, "territory": "Lalouvesc", "body": "Bonjour"},
                "attempt": 2,
            },
        },
        backend_name="default",
        run_after=timezone.now(),
    )

    _run_worker()

    assert [mail.to for mail in mailoutbox] == [[submitted.email]] and "Bonjour" in mailoutbox[0].body
    assert Email.objects.get(template="staff_message").delivery == Delivery.SENT
