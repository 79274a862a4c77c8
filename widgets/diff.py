"""What changes for residents between two versions of an app: settings, pages and widgets.

`diff_specs(old, new)` lists the differences, settings first, then in the new spec's page order
(a removed thing is placed where its old page was). How things are matched:

- Settings: every AppSpec field but `pages` and `format_version`; a changed one is one "changed"
  Change named after the field, with the changed paths inside it ("title.en", "contact.phone").
- Widgets are matched across the whole app, not page by page. A question by its data `key` (a
  key used twice in a draft: the 2nd by the 2nd); a new type under the same key is a change of
  property "type". Content widgets of one type are matched by their order among the widgets of
  that type in the app, after lining up the unchanged ones (difflib), so that inserting a
  paragraph does not make every later paragraph "changed".
- Properties are paths in `model_dump(mode="json", exclude_none=True)`: dicts are followed
  ("label.ja", "show_if.value"), a list is one property however it changed ("options").
- Pages are matched in order (difflib) by the widgets on them. A page with the same widgets is the
  same page; within a run of changed pages, one that keeps one of its widgets is too, and the
  pages left between two matches are matched one to one when there are as many on both sides.
  A matched page whose title changed is a changed page.
- A matched widget is "moved" when its new page is not the match of its old page (a page inserted
  before it is no move); a moved widget's changed properties are listed on the moved Change.
  Order within a page is not reported.
- Widgets on an added or removed page are reported one by one too, after the page itself.
- With no published version (`old` is None) every page is "added", and nothing else.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise, zip_longest
from typing import Any, Literal

from .base import Question, Widget
from .markup import plain_text
from .spec import AppSpec, Page
from .text import LocalizedText

LABEL_LENGTH = 40
# The fields whose Japanese text names a widget in a Change, first found wins.
_LABEL_FIELDS = ("label", "heading", "text", "alt", "department")
_SKIPPED_SETTINGS = frozenset({"pages", "format_version"})
_MISSING = object()


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "removed", "changed", "moved"]
    what: Literal["setting", "page", "widget"]
    name: str  # a setting's field name, a widget's type, "" for a page
    key: str | None  # a question's data key
    label: str  # Japanese text naming the thing (first 40 characters), "" if none
    page: int | None  # page index in the new spec; in the old spec for removed things
    old_page: int | None  # for moved widgets: the page index in the old spec
    properties: tuple[str, ...] = ()  # for "changed" and "moved": the changed property paths, sorted


@dataclass(frozen=True)
class _Placed:
    page: int
    index: int
    widget: Widget
    dump: dict[str, Any]


# A widget in the old spec and the same widget in the new one, None on the side it is missing from.
_Pair = tuple[_Placed | None, _Placed | None]


def diff_specs(old: AppSpec | None, new: AppSpec) -> list[Change]:
    """The differences from `old` (None: nothing published yet) to `new`; [] when they are the same."""
    if old is None:
        return [_page_change("added", page, i) for i, page in enumerate(new.pages)]
    old_dump, new_dump = _dump(old), _dump(new)
    settings = [
        Change("changed", "setting", name, None, "", None, None, paths)
        for name in AppSpec.model_fields
        if name not in _SKIPPED_SETTINGS
        and (paths := _paths(old_dump.get(name, _MISSING), new_dump.get(name, _MISSING), name))
    ]
    pairs = _match_widgets(_placed(old), _placed(new))
    page_of = _match_pages(_signatures(old, pairs, 0), _signatures(new, pairs, 1))
    old_of = {j: i for i, j in page_of.items()}
    slot = _old_page_slots(len(old.pages), page_of)

    # Sort key: (place in the new page order, old page of a removed thing,
    #            0 page / 1 widget / 2 removed widget, index on the page).
    placed: list[tuple[tuple[float, int, int, int], Change]] = []
    for j, page in enumerate(new.pages):
        if j not in old_of:
            placed.append(((j, 0, 0, 0), _page_change("added", page, j)))
        elif paths := _paths(_title(old.pages[old_of[j]]), _title(page), "title"):
            placed.append(((j, 0, 0, 0), _page_change("changed", page, j, paths)))
    for i, page in enumerate(old.pages):
        if i not in page_of:
            placed.append(((slot[i], i, 0, 0), _page_change("removed", page, i)))
    for was, now in pairs:
        if was is not None and now is None:
            placed.append(((slot[was.page], was.page, 2, was.index), _widget_change("removed", was)))
        elif was is None and now is not None:
            placed.append(((now.page, 0, 1, now.index), _widget_change("added", now)))
        elif was is not None and now is not None:
            paths = _paths(was.dump, now.dump, "")
            if page_of.get(was.page) != now.page:
                moved = _widget_change("moved", now, paths, old_page=was.page)
                placed.append(((now.page, 0, 1, now.index), moved))
            elif paths:
                placed.append(((now.page, 0, 1, now.index), _widget_change("changed", now, paths)))
    return settings + [change for _, change in sorted(placed, key=lambda item: item[0])]


def _dump(model: AppSpec | Widget) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


def _title(page: Page) -> Any:
    return page.title.model_dump(mode="json") if page.title is not None else _MISSING


def _paths(old: Any, new: Any, prefix: str) -> tuple[str, ...]:
    """The sorted paths, under `prefix`, at which two dumped values differ."""
    if old == new:
        return ()
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return (prefix,)
    found: list[str] = []
    for name in old.keys() | new.keys():
        path = f"{prefix}.{name}" if prefix else name
        found.extend(_paths(old.get(name, _MISSING), new.get(name, _MISSING), path))
    return tuple(sorted(found))


def _placed(spec: AppSpec) -> list[_Placed]:
    return [_Placed(p, i, w, _dump(w))
            for p, page in enumerate(spec.pages) for i, w in enumerate(page.widgets)]


def _match_widgets(old: list[_Placed], new: list[_Placed]) -> list[_Pair]:
    """(old, new) for every widget: matched ones together, the others with None on one side."""
    old_q, new_q = _by_key(old), _by_key(new)
    pairs = [(old_q.get(k), new_q.get(k)) for k in [*old_q, *(k for k in new_q if k not in old_q)]]
    types = dict.fromkeys(w.widget.type for w in old + new if not isinstance(w.widget, Question))
    for kind in types:
        was = [w for w in old if w.widget.type == kind and not isinstance(w.widget, Question)]
        now = [w for w in new if w.widget.type == kind and not isinstance(w.widget, Question)]
        texts = SequenceMatcher(None, [_text(w) for w in was], [_text(w) for w in now], autojunk=False)
        for _tag, i1, i2, j1, j2 in texts.get_opcodes():
            pairs.extend(zip_longest(was[i1:i2], now[j1:j2]))
    return pairs


def _by_key(placed: list[_Placed]) -> dict[tuple[str, int], _Placed]:
    """Questions by (key, how many times the key came before): a draft may use a key twice."""
    found: dict[tuple[str, int], _Placed] = {}
    seen: Counter[str] = Counter()
    for w in placed:
        if isinstance(w.widget, Question):
            found[(w.widget.key, seen[w.widget.key])] = w
            seen[w.widget.key] += 1
    return found


def _text(w: _Placed) -> str:
    return json.dumps(w.dump, sort_keys=True, ensure_ascii=False)


def _signatures(spec: AppSpec, pairs: list[_Pair], side: int) -> list[tuple[int, ...]]:
    """Each page as the tuple of its widgets' identities (the number of their pair)."""
    ids = {(w.page, w.index): n for n, pair in enumerate(pairs) if (w := pair[side]) is not None}
    return [tuple(ids[(p, i)] for i in range(len(page.widgets))) for p, page in enumerate(spec.pages)]


def _match_pages(old: list[tuple[int, ...]], new: list[tuple[int, ...]]) -> dict[int, int]:
    """Old page index -> new page index of the pages that are the same page."""
    found: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            found.update(zip(range(i1, i2), range(j1, j2), strict=True))
        elif tag == "replace":
            # Pages keeping one of their widgets are the same page; the runs between them are
            # matched page by page when they are as long on both sides.
            kept, start = [(i1 - 1, j1 - 1)], j1
            for i in range(i1, i2):
                j = next((j for j in range(start, j2) if set(old[i]) & set(new[j])), None)
                if j is not None:
                    kept.append((i, j))
                    start = j + 1
            kept.append((i2, j2))
            for (a, b), (c, d) in pairwise(kept):
                if c - a == d - b:
                    found.update(zip(range(a + 1, c), range(b + 1, d), strict=True))
            found.update(kept[1:-1])
    return found


def _old_page_slots(count: int, page_of: dict[int, int]) -> list[float]:
    """Where each old page's removed things go in the new order: its match, else after the one before."""
    slots: list[float] = []
    previous = -1
    for i in range(count):
        if i in page_of:
            previous = page_of[i]
            slots.append(previous)
        else:
            slots.append(previous + 0.5)
    return slots


def _page_change(kind: Literal["added", "removed", "changed"], page: Page, index: int,
                 paths: tuple[str, ...] = ()) -> Change:
    return Change(kind, "page", "", None, _short(page.title), index, None, paths)


def _widget_change(kind: Literal["added", "removed", "changed", "moved"], w: _Placed,
                   paths: tuple[str, ...] = (), old_page: int | None = None) -> Change:
    key = w.widget.key if isinstance(w.widget, Question) else None
    texts = (getattr(w.widget, name, None) for name in _LABEL_FIELDS)
    text = next((t for t in texts if isinstance(t, LocalizedText)), None)
    return Change(kind, "widget", w.widget.type, key, _short(text), w.page, old_page, paths)


def _short(text: LocalizedText | None) -> str:
    """The Japanese text as one line of words, without formatting, cut to LABEL_LENGTH characters."""
    if text is None:
        return ""
    return " ".join(plain_text(text.root["ja"]).split())[:LABEL_LENGTH]
