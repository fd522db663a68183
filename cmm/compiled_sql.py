"""The compiled SQL of a queryset whose text is the same for every user of one shape, built once per shape.

Building and compiling a queryset costs Python time before PostgreSQL sees it (the start page's UNION of
task kinds: about 2.5 ms). When the SQL text depends only on what kind of user asks (their role, agency,
whether they have a team: their shape) and the user's own values (their id, their team's id) and the time
enter only as parameters, `ShapeCache` compiles it once per shape; later requests of that shape put their
own values into the parameters and run the same text.

Which parameter is which value is found out, never declared: on a shape's first request the builder runs
three times, for the real user and time and for two probes (copies of the user and of their loaded team with
every identifying value replaced by a made-up one, at two other times), and each result is compiled. A
parameter the same in all three is a constant; one that follows an input in all three (equal to it, or for
a date or time at the same distance from it: "today + 14 days") is that input; any other, or SQL text that
differs between them, makes the shape uncacheable, and it is then built every time as without the cache.
What is kept is SQL text and where its parameters come from: never rows, never a user's values.

The shape is the user's fields that take one of a few values (choices and booleans) and which of their
foreign keys are set; every other field of the user and of their loaded related objects (the team) is
identifying and is probed. A builder must not read the database: a value read while building would look
like a constant (the probes would read it too, or fail on the made-up ids, which makes the shape uncacheable).
"""

import copy
import datetime as dt
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist
from django.db import connections, models
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# Two probe times, far from any real one and from each other by an uneven amount.
_PROBE_TIMES = (
    dt.datetime(2101, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC),
    dt.datetime(2107, 9, 10, 11, 12, 13, 141516, tzinfo=dt.UTC),
)
_UNCACHEABLE = object()
_EMPTY = object()  # the query can return nothing for this shape (Django compiles it to no SQL at all)


def _is_shape(field: models.Field) -> bool:
    return bool(field.choices) or isinstance(field, models.BooleanField)


def shape_of(user) -> tuple:
    """What makes the SQL text differ between users: their choice and boolean fields, and which keys are set."""
    return tuple(
        getattr(user, field.attname) if _is_shape(field) else getattr(user, field.attname) is None
        for field in user._meta.concrete_fields
    )


def _inputs(user, now) -> dict:
    """The values a parameter may follow: the time, the user's and their loaded related objects' identifying fields.

    The user's own come first: a team's id is the user's team_id, which needs no team loaded.
    """
    values = {"now": now, "today": timezone.localdate(now)}
    for prefix, instance in [("user", user), *_loaded_related(user)]:
        for field in instance._meta.concrete_fields:
            if not _is_shape(field):
                values[f"{prefix}.{field.attname}"] = getattr(instance, field.attname)
    return values


def _input(user, now, name: str):
    """One input by name, for the user now (a related object is loaded if not yet, as the builder would)."""
    if name == "now":
        return now
    if name == "today":
        return timezone.localdate(now)
    owner, attname = name.split(".", 1)
    return getattr(user if owner == "user" else getattr(user, owner), attname)


def _loaded_related(user) -> list[tuple[str, models.Model]]:
    return [(name, obj) for name, obj in sorted(user._state.fields_cache.items()) if obj is not None]


def _made_up(field: models.Field, value, serial: int):
    """A value of the field's kind that no real row has, different for each field and probe."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return _PROBE_TIMES[0] - dt.timedelta(days=serial, seconds=serial)
    if isinstance(field, models.DateField):
        return dt.date(2100, 1, 1) - dt.timedelta(days=serial)
    if isinstance(value, int) and not isinstance(value, bool):
        return 2_000_000_000 + serial
    if isinstance(value, str):
        return f"probe-{serial}"
    return value  # a kind no query here compares with: kept, so it cannot match an input by accident


def _probe(user, serials) -> models.Model:
    """A copy of the user (and of their loaded related objects) with every identifying value made up."""

    def made_up_copy(instance):
        clone = copy.copy(instance)
        clone._state = copy.copy(instance._state)
        clone._state.fields_cache = {}
        for field in instance._meta.concrete_fields:
            if not _is_shape(field):
                setattr(clone, field.attname, _made_up(field, getattr(instance, field.attname), next(serials)))
        return clone

    probe = made_up_copy(user)
    for name, related in _loaded_related(user):
        # The probe's key points at the probe's related object, as the real one does.
        setattr(probe, name, made_up_copy(related))
    return probe


def _source(values: list, inputs: list[dict]) -> tuple | None:
    """Where a parameter comes from: ("const", value) or ("input", name, offset); None if from nowhere known."""
    if all(value == values[0] for value in values):
        return ("const", values[0])
    for name in inputs[0]:
        given = [each.get(name) for each in inputs]
        if not all(type(value) is type(source) for value, source in zip(values, given, strict=True)):
            continue
        if all(value == source for value, source in zip(values, given, strict=True)):
            return ("input", name, None)
        if isinstance(values[0], dt.date):  # dates and times: at the same distance from the input in all three
            offsets = {value - source for value, source in zip(values, given, strict=True)}
            if len(offsets) == 1:
                return ("input", name, offsets.pop())
    return None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    sources: tuple
    using: str

    def bind(self, user, now) -> tuple[str, list, str]:
        params = []
        for source in self.sources:
            if source[0] == "const":
                params.append(source[1])
            else:
                value = _input(user, now, source[1])
                params.append(value if source[2] is None else value + source[2])
        return self.sql, params, self.using


class ShapeCache:
    """`build(user, now)` -> QuerySet, compiled once per user shape; `rows(user, now)` runs it: one query."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.entries: dict = {}

    def rows(self, user, now=None) -> list[tuple]:
        now = now or timezone.now()
        key = shape_of(user)
        entry = self.entries.get(key)
        if entry is None:
            compiled = self._fill(key, user, now)
        elif entry is _UNCACHEABLE:
            compiled = self._compile(user, now)
        elif entry is _EMPTY:
            return []
        else:
            compiled = entry.bind(user, now)
        sql, params, using = compiled
        if sql is None:
            return []
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _compile(self, user, now) -> tuple[str | None, list, str]:
        queryset = self.build(user, now)
        try:
            sql, params = queryset.query.get_compiler(queryset.db).as_sql()
        except EmptyResultSet:
            return None, [], queryset.db
        return sql, list(params), queryset.db

    def _fill(self, key, user, now) -> tuple[str | None, list, str]:
        """Compile for the user and two probes; keep the text and its parameters' sources if they agree."""
        compiled = self._compile(user, now)  # first: it loads what the builder reads (the user's team)
        sql, params, using = compiled
        serials = itertools.count(1)
        probes = [(_probe(user, serials), at) for at in _PROBE_TIMES]
        try:
            probed = [self._compile(probe, at) for probe, at in probes]
        except ObjectDoesNotExist:  # the builder read the database with a made-up id
            probed = []
        entry = _UNCACHEABLE
        if probed and all(each[0] == sql and len(each[1]) == len(params) for each in probed):
            if sql is None:
                entry = _EMPTY
            else:
                inputs = [_inputs(user, now), *(_inputs(probe, at) for probe, at in probes)]
                sources = tuple(
                    _source(list(values), inputs) for values in zip(params, *(each[1] for each in probed), strict=True)
                )
                if None not in sources:
                    entry = _Compiled(sql, sources, using)
        if entry is _UNCACHEABLE:
            logger.warning("%s is compiled on every request of this user shape", self.build.__qualname__)
        self.entries[key] = entry
        return compiled
