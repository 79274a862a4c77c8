"""A survey's summary: counts per option, histograms, submissions per day and per access point; free text
only ever counted, never read. On SQLite and PostgreSQL, with the store's clock moved to place each
submission in time."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from generated_apps.domain.access_points import AccessPoints
from generated_apps.domain.apps import Apps
from generated_apps.domain.drafts import Drafts
from generated_apps.domain.i18n import Translator
from generated_apps.domain.lifecycle import Lifecycle
from generated_apps.domain.submissions import SubmissionFilter
from generated_apps.domain.summary import Count, number_bins, summarise
from widgets import AppSpec

from .test_lifecycle import Clock
from .test_store import any_store  # noqa: F401 - the fixture: SQLite and PostgreSQL

T0 = dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)  # 09:30 on Monday 2 November in Date City
HOUR = dt.timedelta(hours=1)


def option(value: str, ja: str, en: str) -> dict:
    return {"value": value, "label": {"ja": ja, "en": en}}


SURVEY = {
    "slug": "shimin-survey", "kind": "form",
    "title": {"ja": "市民アンケート", "en": "Residents' survey"},
    "lifecycle": {"retention_days": 365, "no_end": True},
    "contact": {"phone": "0142-23-3331", "department": {"ja": "伊達市 企画課", "en": "Planning Division"}},
    "pages": [
        {"widgets": [{"type": "single_choice", "key": "visit",
                      "label": {"ja": "図書館に行く頻度", "en": "Library visits"},
                      "options": [option("often", "よく行く", "Often"), option("sometimes", "ときどき", "Sometimes"),
                                  option("never", "行かない", "Never")]}]},
        {"widgets": [{"type": "multiple_choice", "key": "topics", "required": False,
                      "label": {"ja": "関心のある分野", "en": "Topics"},
                      "options": [option("tax", "税金", "Tax"), option("care", "介護", "Care"),
                                  option("snow", "除雪", "Snow")]}]},
        {"widgets": [{"type": "yes_no", "key": "resident",
                      "label": {"ja": "市内にお住まいですか", "en": "Do you live here?"}}]},
        {"widgets": [{"type": "number", "key": "people", "required": False,
                      "label": {"ja": "世帯の人数", "en": "People in your household"}}]},
        {"widgets": [{"type": "rating", "key": "satisfaction", "label": {"ja": "満足度", "en": "Satisfaction"}}]},
        {"widgets": [{"type": "long_text", "key": "comment", "required": False,
                      "label": {"ja": "ご意見", "en": "Comments"}}]},
    ],
}


def survey_spec() -> dict:
    return copy.deepcopy(SURVEY)


def publish(store, spec: dict) -> int:
    app = Apps(store).create(AppSpec.model_validate(spec), by="suzuki")
    Lifecycle(store).publish(app.slug, by="kato", warnings_acknowledged=True)
    return app.id


def republish(store, app_id: int, spec: dict) -> None:
    app = Apps(store).by_id(app_id)
    Apps(store).save_draft(app_id, AppSpec.model_validate(spec), revision=app.revision, by="suzuki")
    Lifecycle(store).publish(app.slug, by="kato", warnings_acknowledged=True)  # a question's type changed, say


def send(store, app_id: int, answers: dict, *, via: str | None = None):
    version = max((v for v in Apps(store).versions(app_id) if v.cancelled_at is None), key=lambda v: v.number)
    draft = Drafts(store).create(app_id, version.id, answers, access_point=via)
    return Drafts(store).submit(draft, answers, "ja")


def answers(visit="often", topics=None, resident="yes", people=None, satisfaction=4, comment=None) -> dict:
    return {"visit": visit, "topics": topics, "resident": resident, "people": people,
            "satisfaction": satisfaction, "comment": comment}


@pytest.fixture
def clock(any_store):  # noqa: F811
    clock = Clock(T0)
    any_store.clock = clock
    return clock


@pytest.fixture
def survey(any_store, clock):  # noqa: F811
    return publish(any_store, survey_spec())


def counts(question) -> list[tuple[str, str, int]]:
    return [(c.value, c.label, c.count) for c in question.counts]


def test_each_option_is_counted_in_the_order_of_the_options_with_its_label(any_store, survey):  # noqa: F811
    for visit in ("often", "often", "never"):
        send(any_store, survey, answers(visit=visit))
    summary = summarise(any_store, survey)
    assert (summary.title, summary.total) == ("市民アンケート", 3)
    visit = summary.question("visit")
    assert (visit.kind, visit.label, visit.answered) == ("choices", "図書館に行く頻度", 3)
    assert counts(visit) == [("often", "よく行く", 2), ("sometimes", "ときどき", 0), ("never", "行かない", 1)]
    assert counts(summarise(any_store, survey, lang="en").question("resident")) == [("yes", "Yes", 3), ("no", "No", 0)]


def test_a_multiple_choice_counts_each_option_once_per_resident_and_says_how_many_answered(any_store, survey):  # noqa: F811
    send(any_store, survey, answers(topics=["tax", "snow"]))
    send(any_store, survey, answers(topics=["snow", "snow"]))  # stored twice by some old client: one resident
    send(any_store, survey, answers(topics=None))
    topics = summarise(any_store, survey).question("topics")
    assert topics.answered == 2
    assert counts(topics) == [("tax", "税金", 1), ("care", "介護", 0), ("snow", "除雪", 2)]


def test_an_option_since_removed_is_still_counted_under_its_value_and_labels_are_the_newest(any_store, survey):  # noqa: F811
    send(any_store, survey, answers(visit="never"))
    changed = survey_spec()
    changed["pages"][0]["widgets"][0]["options"] = [option("daily", "毎日", "Daily"),
                                                    option("often", "よく行く（週1回以上）", "Weekly"),
                                                    option("sometimes", "ときどき", "Sometimes")]
    republish(any_store, survey, changed)
    send(any_store, survey, answers(visit="daily"))
    send(any_store, survey, answers(visit="often"))
    assert counts(summarise(any_store, survey).question("visit")) == [
        ("daily", "毎日", 1), ("often", "よく行く（週1回以上）", 1), ("sometimes", "ときどき", 0),
        ("never", "行かない", 1)]


def test_free_text_is_only_counted_even_when_the_question_later_became_a_choice(any_store, survey):  # noqa: F811
    send(any_store, survey, answers(comment="=HYPERLINK(\"http://x\") <script>alert(1)</script>"))
    send(any_store, survey, answers(comment=None))
    comment = summarise(any_store, survey).question("comment")
    assert (comment.kind, comment.answered, comment.counts) == ("text", 1, [])
    # The same key asked as a choice in version 2: the old free text must never become a bar's label.
    changed = survey_spec()
    changed["pages"][5]["widgets"][0] = {"type": "single_choice", "key": "comment",
                                         "label": {"ja": "ご意見の有無", "en": "Any comments?"},
                                         "options": [option("some", "ある", "Some"), option("none", "ない", "None")]}
    republish(any_store, survey, changed)
    send(any_store, survey, answers(comment="some"))
    comment = summarise(any_store, survey).question("comment")
    assert (comment.kind, comment.answered) == ("choices", 2)
    assert counts(comment) == [("some", "ある", 1), ("none", "ない", 0)]


def test_a_rating_has_a_bar_for_each_of_1_to_5_in_its_words(any_store, survey):  # noqa: F811
    for n in (5, 5, 4, 1):
        send(any_store, survey, answers(satisfaction=n))
    rating = summarise(any_store, survey, lang="en").question("satisfaction")
    assert rating.kind == "histogram"
    assert counts(rating) == [("1", "1 Very dissatisfied", 1), ("2", "2 Dissatisfied", 0),
                              ("3", "3 Neither satisfied nor dissatisfied", 0), ("4", "4 Satisfied", 1),
                              ("5", "5 Very satisfied", 2)]


def test_numbers_over_a_small_range_get_a_bar_for_each_whole_number(any_store, survey):  # noqa: F811
    for people in (1, 3, 3, 4, None):
        send(any_store, survey, answers(people=people))
    people = summarise(any_store, survey).question("people")
    assert (people.kind, people.answered) == ("histogram", 4)
    assert counts(people) == [("1", "1", 1), ("2", "2", 0), ("3", "3", 2), ("4", "4", 1)]


def test_numbers_over_a_wide_range_get_about_ten_bars_of_a_readable_width():
    en = Translator("en")
    ages = Counter({3: 1, 19: 2, 20: 1, 64: 3, 97: 1})
    assert [(c.value, c.label, c.count) for c in number_bins(ages, en)] == [
        ("[0,10)", "0–9", 1), ("[10,20)", "10–19", 2), ("[20,30)", "20–29", 1), ("[30,40)", "30–39", 0),
        ("[40,50)", "40–49", 0), ("[50,60)", "50–59", 0), ("[60,70)", "60–69", 3), ("[70,80)", "70–79", 0),
        ("[80,90)", "80–89", 0), ("[90,100)", "90–99", 1)]
    yen = number_bins(Counter({1200: 1, 48_000: 1}), en)
    assert yen[0] == Count("[0,5000)", "0–4,999", 1) and yen[-1] == Count("[45000,50000)", "45,000–49,999", 1)
    assert len(yen) == 10
    decimals = number_bins(Counter({0.5: 1, 1.25: 2, 3.75: 1}), en)
    assert [(c.label, c.count) for c in decimals] == [
        ("0.5 to under 1", 1), ("1 to under 1.5", 2), ("1.5 to under 2", 0), ("2 to under 2.5", 0),
        ("2.5 to under 3", 0), ("3 to under 3.5", 0), ("3.5 to under 4", 1)]
    assert number_bins(Counter(), en) == []
    assert [c.count for c in number_bins(Counter({-15: 1, 15: 1}), en)] == [1, 0, 0, 0, 0, 0, 1]
    assert Decimal(number_bins(Counter({10**14: 1, 0: 1}), en)[-1].value.split(",")[0][1:]) <= 10**14


def test_submissions_per_day_are_city_days_with_the_gaps_filled(any_store, survey, clock):  # noqa: F811
    send(any_store, survey, answers())  # 09:30 on the 2nd
    clock.move(14 * HOUR)
    send(any_store, survey, answers())  # 23:30 on the 2nd
    clock.move(1 * HOUR)
    send(any_store, survey, answers())  # 00:30 on the 3rd (still the 2nd in UTC)
    clock.move(48 * HOUR)
    send(any_store, survey, answers())  # the 5th
    summary = summarise(any_store, survey)
    assert summary.per_day == [(dt.date(2026, 11, 2), 2), (dt.date(2026, 11, 3), 1), (dt.date(2026, 11, 4), 0),
                               (dt.date(2026, 11, 5), 1)]
    narrowed = summarise(any_store, survey, SubmissionFilter(since=dt.date(2026, 11, 3), until=dt.date(2026, 11, 6)))
    assert narrowed.total == 2
    assert narrowed.per_day == [(dt.date(2026, 11, 3), 1), (dt.date(2026, 11, 4), 0), (dt.date(2026, 11, 5), 1)]
    assert narrowed.question("visit").counts[0].count == 2
    assert summarise(any_store, survey, time_zone="UTC").per_day == [
        (dt.date(2026, 11, 2), 3), (dt.date(2026, 11, 3), 0), (dt.date(2026, 11, 4), 1)]


def test_submissions_are_counted_by_access_point_and_direct(any_store, survey):  # noqa: F811
    lobby = AccessPoints(any_store).create(survey, "本庁舎1階 <b>市民課</b>", by="sato")
    unused = AccessPoints(any_store).create(survey, "広報だて 12月号", by="sato")
    for via in (lobby.code, lobby.code, None):
        send(any_store, survey, answers(), via=via)
    assert [(c.value, c.label, c.count) for c in summarise(any_store, survey, lang="en").per_access_point] == [
        (lobby.code, "本庁舎1階 <b>市民課</b>", 2), (unused.code, "広報だて 12月号", 0), ("", "Direct (no QR code)", 1)]


def test_an_app_with_nothing_sent_has_its_questions_with_zero_counts(any_store, survey):  # noqa: F811
    summary = summarise(any_store, survey)
    assert (summary.total, summary.per_day) == (0, [])
    assert [q.key for q in summary.questions] == ["visit", "topics", "resident", "people", "satisfaction", "comment"]
    assert all(c.count == 0 for q in summary.questions for c in q.counts)
    assert summary.question("people").counts == []  # no numbers yet: no bars


def test_a_never_published_app_whose_draft_cannot_be_read_summarises_to_nothing(store):
    """Its charts and printable summary say there is nothing to count, never a 500 (issue 17)."""
    import json

    from sqlalchemy import text

    app = Apps(store).create(AppSpec.model_validate(survey_spec()), by="suzuki")
    with store.engine.begin() as c:  # as an older version left it: a title no longer valid
        c.execute(text("UPDATE app SET draft_spec = :spec WHERE id = :id"),
                  {"spec": json.dumps({**app.draft_spec, "title": {"ja": ""}, "pages": "broken"}), "id": app.id})
    summary = summarise(store, app.id, SubmissionFilter(), "Asia/Tokyo")
    assert summary.total == 0 and summary.questions == []
