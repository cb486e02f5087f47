import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from accompagnement import workflow
from accompagnement.models import DiagnosticRequest, Event, Status


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("chargee", "chargee@anct.gouv.fr", "x", is_staff=True)


def test_a_transition_writes_the_trail_and_emails_the_requester(
    submitted, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move_request(submitted.pk, to=Status.QUALIFYING, by=staff, note="Premier appel prévu.")

    event = Event.objects.filter(kind=Event.Kind.STATUS).last()
    assert (event.old_status, event.new_status, event.author, event.body) == (
        Status.NEW,
        Status.QUALIFYING,
        staff,
        "Premier appel prévu.",
    )
    assert mailoutbox[-1].to == [submitted.email]
    assert "en qualification" in mailoutbox[-1].subject


@pytest.mark.parametrize(
    ("start", "target"),
    [(Status.NEW, Status.CLOSED), (Status.NEW, Status.DIAGNOSED), (Status.CLOSED, Status.QUALIFYING)],
)
def test_forbidden_transitions_are_refused_cleanly(submitted, staff, start, target):
    DiagnosticRequest.objects.filter(pk=submitted.pk).update(status=start)

    with pytest.raises(workflow.TransitionNotAllowed, match="ne peut pas passer"):
        workflow.move_request(submitted.pk, to=target, by=staff)

    assert DiagnosticRequest.objects.get(pk=submitted.pk).status == start


def test_a_refusal_needs_a_reason(submitted, staff):
    with pytest.raises(ValueError):
        workflow.move_request(submitted.pk, to=Status.DECLINED, by=staff)

    workflow.move_request(submitted.pk, to=Status.DECLINED, by=staff, reason="doublon")

    assert DiagnosticRequest.objects.get(pk=submitted.pk).refusal_reason == "doublon"


def test_every_open_state_can_be_withdrawn_and_none_of_the_closed_ones():
    for status in workflow.ALLOWED:
        assert (Status.WITHDRAWN in workflow.ALLOWED[status]) == (
            status in [s for s in Status if s not in (Status.CLOSED, Status.DECLINED, Status.WITHDRAWN)]
        )


# Threads need committed rows, hence a transactional test; its clean-up empties only these apps' tables, so the
# official territories loaded once for the whole run stay.
@pytest.mark.django_db(transaction=True, available_apps=["accompagnement", "catalogue", "consultation"])
def test_two_staff_acting_at_once_do_not_both_succeed(demo_for_transactions):
    request = demo_for_transactions
    results = []

    def act():
        try:
            workflow.move_request(request.pk, to=Status.QUALIFYING, by=None)
            results.append("ok")
        except workflow.TransitionNotAllowed:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["ok", "refused"]
    assert Event.objects.filter(request=request, new_status=Status.QUALIFYING).count() == 1
