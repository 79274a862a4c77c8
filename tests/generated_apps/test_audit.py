"""The audit log's filters, pages and batches, read straight from the domain."""

from __future__ import annotations

import datetime as dt

from generated_apps.domain.apps import Apps
from generated_apps.domain.audit import Audit, AuditFilter
from widgets import AppSpec

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


def test_lines_are_filtered_by_action_or_its_prefix_by_actor_by_app_and_by_time(store, example_spec):
    app = Apps(store).create(AppSpec.model_validate(example_spec), by="suzuki")
    audit = Audit(store)
    audit.record("kato", "user.create", target="sato")
    audit.record("kato", "user.role", target="sato")
    audit.record("sato", "app.publish", app_id=app.id)
    audit.record("sato", "user", target="not a prefix match")
    actions = lambda where: [e.action for e in audit.page(where)[0]]  # noqa: E731
    assert actions(AuditFilter(action="user.")) == ["user.role", "user.create"]  # newest first
    assert actions(AuditFilter(action="user")) == ["user"]  # no dot at the end: that action only
    assert actions(AuditFilter(actor="sato")) == ["user", "app.publish"]
    assert actions(AuditFilter(app_id=app.id)) == ["app.publish", "app.create"]
    assert actions(AuditFilter(until=T0)) == []
    assert len(actions(AuditFilter(since=T0))) == 5
    assert audit.actions() == ["app.create", "app.publish", "user", "user.create", "user.role"]


def test_a_page_says_how_many_lines_match_and_batches_give_every_line_once_oldest_first(store):
    audit = Audit(store)  # lines without an app
    for n in range(7):
        audit.record("kato", "app.edit", target=str(n))
    rows, total = audit.page(AuditFilter(), offset=2, limit=3)
    assert total == 7 and [e.target for e in rows] == ["4", "3", "2"]
    batches = list(audit.batches(AuditFilter(action="app.edit"), size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [e.target for b in batches for e in b] == [str(n) for n in range(7)]
    assert [e.target for e in audit.events()] == [str(n) for n in range(7)]
