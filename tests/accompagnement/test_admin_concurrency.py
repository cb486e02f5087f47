"""Two staff members saving one request at the same moment: the second is told, nothing is overwritten."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from accompagnement.models import DiagnosticRequest, Event, Status
from tests.accompagnement.factories import saved_request
from tests.accompagnement.test_admin import post_change
from tests.conftest import login_with_second_factor


def _someone_waits_for_a_lock(timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_move_saved_while_a_colleague_moves_the_request_is_refused(client, territories, django_user_model):
    request, _ = saved_request()
    staff = django_user_model.objects.create_superuser("chargee", "chargee@anct.gouv.fr", "x")
    login_with_second_factor(client, staff)
    responses = []

    def decline():
        try:
            responses.append(post_change(client, request, new_status=Status.DECLINED, refusal_reason_choice="doublon"))
        finally:
            connection.close()

    # The colleague's transaction holds the row while the first one saves.
    with psycopg.connect(**connection.get_connection_params()) as colleague:
        colleague.execute(f"SELECT 1 FROM {DiagnosticRequest._meta.db_table} WHERE id = %s FOR UPDATE", [request.pk])
        thread = threading.Thread(target=decline)
        thread.start()
        assert _someone_waits_for_a_lock()
        colleague.execute(
            f"UPDATE {DiagnosticRequest._meta.db_table} SET status = %s, updated_at = now() WHERE id = %s",
            [Status.QUALIFYING.value, request.pk],
        )
        colleague.commit()
    thread.join(timeout=30)

    assert DiagnosticRequest.objects.get(pk=request.pk).status == Status.QUALIFYING
    assert not Event.objects.filter(request=request, new_status=Status.DECLINED).exists()
    assert "modifiée par quelqu&#x27;un d&#x27;autre" in responses[0].content.decode()
