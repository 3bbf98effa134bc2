"""The API's token check (``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``).

DRF's ``TokenAuthentication`` with the look-up written out as one statement
that also reads the caller's memberships and answer tags
(``models.AnswerTag``). Every API request makes it, and nearly every one then
needs the caller's teams (``selectors.access``): reading them here saves a
round trip to the database on each request, and a request the answer cache
serves needs no other query.

On PostgreSQL the statement is prepared once per connection: planning its
joins cost more than running them (measured over loopback: 404 µs a check
unprepared, 169 µs prepared; the ORM's token look-up alone took 525 µs), and
the user is built from the row directly.
Under a pooler in transaction mode, which cannot keep a prepared statement,
set ``DISABLE_SERVER_SIDE_CURSORS`` on the database as Django asks for such
poolers, and the statement is sent whole each time.

``request.auth`` is the key's ``Token`` without its creation time, which no
request reads. Unknown keys and inactive users go to DRF's own code, so its
answers and messages stay.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.backends.signals import connection_created
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from .models import AnswerTag, Membership
from .selectors.access import remember_teams

PREPARED_NAME = "campaignops_token_check"


def token_check_sql(connection) -> str:
    """The statement, with one ``%s`` for the key; the user's columns named one by one.

    Named, not ``u.*``: a column added to the user table by a later migration
    must not change what a prepared statement returns.
    """
    user_model = get_user_model()
    name = connection.ops.quote_name
    tags = name(AnswerTag._meta.db_table)
    columns = ", ".join(f"u.{name(field.column)}" for field in user_model._meta.concrete_fields)
    return (
        f"SELECT {columns}, m.team_id AS member_of, m.role AS member_role, "  # noqa: S608 - names
        f"g.value AS member_tag, (SELECT SUM(a.value) FROM {tags} a) AS all_tags "
        f"FROM {name(user_model._meta.db_table)} u "
        f"JOIN {name(Token._meta.db_table)} t ON t.user_id = u.{name(user_model._meta.pk.column)} "
        f"LEFT JOIN {name(Membership._meta.db_table)} m ON m.user_id = t.user_id "
        f"LEFT JOIN {tags} g ON g.team_id = m.team_id "
        "WHERE t.key = %s"
    )


def _statement(connection) -> str:
    """What to send for one check on this connection (see the module's docstring)."""
    if connection.vendor != "postgresql" or connection.settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS"
    ):
        return token_check_sql(connection)
    statement = getattr(connection, "campaignops_token_statement", None)
    if statement is None:
        connection.ensure_connection()
        # Connection set-up, like Django's own SET statements: on the driver's
        # cursor. A session keeps its prepared statements through rollbacks.
        with connection.connection.cursor() as driver:
            driver.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [PREPARED_NAME])
            if driver.fetchone() is None:
                prepared = token_check_sql(connection).replace("%s", "$1")
                driver.execute(f"PREPARE {PREPARED_NAME} (text) AS {prepared}")
        statement = f"EXECUTE {PREPARED_NAME}(%s)"
        connection.campaignops_token_statement = statement
    return statement


def _new_connection(sender, connection, **kwargs) -> None:
    # A new session has no prepared statements: prepare again on first use.
    connection.campaignops_token_statement = None


connection_created.connect(_new_connection, dispatch_uid="campaignops-token-statement")


def _read(connection, key: str):
    """The user and their (team, role, tag) rows, and the sum of every tag; None if no such key."""
    user_model = get_user_model()
    if connection.vendor == "postgresql":
        # psycopg2 returns the user's columns as Python values already: the
        # model is built from the row directly (RawQuerySet's column matching
        # cost another 60 µs a check).
        fields = [field.attname for field in user_model._meta.concrete_fields]
        with connection.cursor() as cursor:
            cursor.execute(_statement(connection), [key])
            rows = cursor.fetchall()
        if not rows:
            return None
        width = len(fields)
        user = user_model.from_db(connection.alias, fields, rows[0][:width])
        return user, [row[width:width + 3] for row in rows], rows[0][width + 3]
    # Elsewhere (SQLite) the ORM converts the columns (dates, booleans).
    users = list(user_model.objects.raw(_statement(connection), [key]))
    if not users:
        return None
    memberships = [(row.member_of, row.member_role, row.member_tag) for row in users]
    return users[0], memberships, users[0].all_tags


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        connection = connections[Token.objects.db]
        found = _read(connection, key)
        if found is None or not found[0].is_active:
            return super().authenticate_credentials(key)  # DRF's 401 and its message
        user, memberships, all_tags = found
        joined = [(team, role, tag) for team, role, tag in memberships if team is not None]
        remember_teams(
            user,
            roles={team: role for team, role, _tag in joined},
            tags={team: int(tag or 0) for team, _role, tag in joined},
            all_tags=int(all_tags or 0),  # PostgreSQL's SUM is a numeric
        )
        token = Token(key=key, user=user)
        token._state.adding = False
        token._state.db = user._state.db
        return user, token
