"""A frozen clock for tests: patch django.utils.timezone.now (so localdate() and auto_now follow)."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def frozen(day: dt.date, hour: int = 12) -> Iterator[dt.datetime]:
    moment = timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment
