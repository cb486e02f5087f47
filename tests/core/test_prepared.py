import pytest
from django.db import DatabaseError, connection, transaction

from core import prepared

pytestmark = pytest.mark.django_db

SQL = "SELECT 10 / $1, $2 || '%%'"


def run(name, *params):
    with connection.cursor() as cursor:
        prepared.execute(cursor, name, SQL, ["int", "text"], list(params))
        return cursor.fetchall()


def test_a_statement_is_prepared_once_then_only_executed(django_assert_num_queries):
    name = prepared.statement_name("test_once", SQL)

    with django_assert_num_queries(1) as first:
        assert run(name, 2, "a'b") == [(5, "a'b%")]
    with django_assert_num_queries(1) as second:
        assert run(name, 5, "c") == [(2, "c%")]

    assert first.captured_queries[0]["sql"].startswith(f"PREPARE {name}(int, text) AS")
    assert second.captured_queries[0]["sql"].startswith(f"EXECUTE {name}(")


def test_a_failure_after_the_prepare_of_the_same_round_trip_does_not_break_the_connection():
    name = prepared.statement_name("test_failure", SQL)
    with pytest.raises(DatabaseError), transaction.atomic():
        run(name, 0, "x")  # PREPARE runs, then EXECUTE divides by zero

    # Whether PostgreSQL kept that PREPARE or not, the statement runs: the connection is asked which it has.
    assert run(name, 1, "y") == [(10, "y%")]
    assert run(name, 10, "z") == [(1, "z%")]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    name = prepared.statement_name("test_reconnect", SQL)
    assert run(name, 1, "a") == [(10, "a%")]
    connection.close()

    assert run(name, 2, "b") == [(5, "b%")]


def test_a_changed_text_gets_another_name():
    assert prepared.statement_name("x", SQL) != prepared.statement_name("x", SQL + " ")
