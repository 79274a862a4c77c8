"""An app's status: one vocabulary for the staff side and the resident side."""

from __future__ import annotations

import datetime as dt

import pytest

from generated_apps.domain.apps import Apps
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.live import LiveApps
from generated_apps.domain.status import AppStatus, VersionRef, app_status, live_and_scheduled
from widgets import AppSpec, LocalizedText

T0 = dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def ref(number: int, at: dt.datetime) -> VersionRef:
    return VersionRef(id=number, number=number, published_at=at, spec_hash=f"h{number}")


def test_the_five_statuses_are_the_words_stored_pages_and_tests_already_use():
    assert [s.value for s in AppStatus] == ["draft", "scheduled", "live", "live_with_changes", "retired"]
    assert AppStatus.LIVE == "live" and f"{AppStatus.RETIRED}" == "retired"


@pytest.mark.parametrize(("retired_at", "live", "scheduled", "differs", "expected"), [
    (None, False, False, False, AppStatus.DRAFT),
    (None, False, True, False, AppStatus.SCHEDULED),
    (None, True, False, False, AppStatus.LIVE),
    (None, True, True, True, AppStatus.LIVE_WITH_CHANGES),
    (T0, True, False, True, AppStatus.RETIRED),  # retirement wins over everything
    (T0 + HOUR, True, False, False, AppStatus.LIVE),  # a retirement still to come changes nothing yet
    (T0, False, False, False, AppStatus.RETIRED),
])
def test_status_follows_retirement_then_versions_then_the_draft(retired_at, live, scheduled, differs, expected):
    assert app_status(T0, retired_at, live=live, scheduled=scheduled, draft_differs=differs) is expected


def test_the_live_version_is_the_newest_whose_time_has_come_and_the_next_is_the_earliest_after_it():
    versions = [ref(1, T0 - HOUR), ref(2, T0 - HOUR / 2), ref(3, T0 + 2 * HOUR), ref(4, T0 + HOUR)]
    live, scheduled = live_and_scheduled(versions, T0)
    assert (live.number, scheduled.number) == (2, 4)
    assert live_and_scheduled([], T0) == (None, None)


@pytest.fixture
def spec(example_spec):
    return AppSpec.model_validate(example_spec)


def test_residents_and_staff_read_one_status_through_an_apps_life(store, spec):
    now = [T0]
    store.clock = lambda: now[0]
    apps, lifecycle, live = Apps(store), Lifecycle(store), LiveApps(store)
    app = apps.create(spec, by="suzuki")

    def both() -> tuple[AppStatus, AppStatus | None]:
        found = live.get(spec.slug)
        return apps.state(app.id).status, found.status(now[0]) if found else None

    assert both() == (AppStatus.DRAFT, AppStatus.DRAFT)
    lifecycle.publish(spec.slug, by="suzuki", at=T0 + HOUR)
    assert both() == (AppStatus.SCHEDULED, AppStatus.SCHEDULED)  # residents once read "draft" here
    now[0] += 2 * HOUR
    assert both() == (AppStatus.LIVE, AppStatus.LIVE)
    current = apps.by_id(app.id)
    changed = spec.model_copy(update={"title": LocalizedText({"ja": "変えた題", "en": "Changed"})})
    apps.save_draft(app.id, changed, revision=current.revision, by="suzuki")
    assert both() == (AppStatus.LIVE_WITH_CHANGES, AppStatus.LIVE)  # residents never see the draft
    lifecycle.retire(spec.slug, by="suzuki")
    assert both() == (AppStatus.RETIRED, AppStatus.RETIRED)
