"""The builder's server purges what is past its retention period at start and then every interval,
off the event loop, and an error is logged, never raised: the next run tries again."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import text

from builder.server import purge_once, purging
from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit
from generated_apps.domain.db import make_engine
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.store import Store
from generated_apps.domain.submissions import Submissions
from widgets import AppSpec

from ..generated_apps.test_lifecycle import Clock
from .conftest import until

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def send(store: Store, app_id: int) -> None:
    version = Apps(store).versions(app_id)[0]
    answers = {"visited": "no", "town": "梅本町"}
    Drafts(store).submit(Drafts(store).create(app_id, version.id, answers), answers, "ja")


async def test_the_server_purges_at_start_and_again_at_each_interval(store, example_spec, caplog):
    caplog.set_level(logging.INFO, logger="madoguchi.retention")
    clock = store.clock = Clock(T0)
    app = Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")  # kept 365 days
    Lifecycle(store).publish(app.slug, by="admin", warnings_acknowledged=True)
    send(store, app.id)
    clock.move(366 * DAY)
    def purged() -> list[int]:  # what each purge's audit line counts, written once its work is done
        return [e.detail["submissions"] for e in Audit(store).events(app.id) if e.action == "retention.purge"]

    async with purging(store, every=0.05)(None):
        await until(lambda: purged() == [1], tries=400)  # at start
        send(store, app.id)
        clock.move(366 * DAY)
        await until(lambda: purged() == [1, 1], tries=400)  # at a later run
    assert Submissions(store).of_app(app.id) == []
    assert {e.actor for e in Audit(store).events() if e.action == "retention.purge"} == {"system"}
    logged = [r.getMessage() for r in caplog.records if r.name == "madoguchi.retention"]
    assert "retention purge of library-survey deleted submissions=1 notes=0 bookings=0 drafts=0" in logged
    assert not any("梅本町" in line for line in logged)


@pytest.mark.server_errors("runs again within the hour")
def test_a_failed_purge_is_logged_and_not_raised(tmp_path, caplog):
    broken = Store(make_engine(f"sqlite:///{tmp_path / 'no-tables.sqlite3'}"))  # never migrated: every query fails
    purge_once(broken)
    assert any(r.levelno == logging.ERROR and "runs again within the hour" in r.getMessage() for r in caplog.records)


@pytest.mark.server_errors("the retention purge failed")
def test_a_failed_purge_logs_what_failed_and_never_what_is_stored(store, example_spec, caplog):
    """A stored app that no longer reads (an older version's spec, a damaged row) makes pydantic quote the
    row in its message; the log line names the kind of error and the place, without a traceback (issue 18)."""
    app = Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")
    Lifecycle(store).publish(app.slug, by="admin", warnings_acknowledged=True)
    with store.engine.begin() as c:
        c.execute(text("UPDATE app_version SET spec = json_set(spec, '$.pages[0].widgets[0].type', :t)"),
                  {"t": "山田太郎 090-1234-5678"})
    purge_once(store)
    (record,) = [r for r in caplog.records if "retention purge failed" in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info is None
    assert "山田太郎" not in caplog.text and "090-1234-5678" not in caplog.text
