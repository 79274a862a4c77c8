"""A widget's row in the editor is named after the widget's current label (issue 17): after an edit in
the property panel, its name and every button of the row (up, down, ⋮) say the new label, so that a
screen reader never hears several rows called "More actions: (no text yet)"."""

from __future__ import annotations

from .conftest import until
from .test_editor import create_from, stored

ROW_BUTTONS = ("up", "down", "more")


def accessible_names(user, p: int, i: int) -> dict[str, str]:
    return {kind: next(iter(user.find(marker=f"{kind}-{p}-{i}").elements)).props["aria-label"] for kind in ROW_BUTTONS}


async def test_the_row_buttons_follow_the_label_as_it_is_edited(signed_in):
    app_id = await create_from(signed_in, "blank")
    signed_in.find(marker="add-paragraph").click()  # a second row with no text yet: the names must tell them apart
    await until(lambda: len(stored(signed_in, app_id)["pages"][0]["widgets"]) == 2)
    assert accessible_names(signed_in, 0, 0)["more"] == "More actions: (no text yet)"
    signed_in.find(marker="widget-0-0").click()
    await signed_in.should_see(marker="prop:label.ja")
    signed_in.find(marker="prop:label.ja").type("お住まいの地区")
    await signed_in.should_see(content="お住まいの地区", marker="widget-0-0")
    await until(lambda: stored(signed_in, app_id)["pages"][0]["widgets"][0]["label"]["ja"] == "お住まいの地区")
    assert accessible_names(signed_in, 0, 0) == {"up": "Move up: お住まいの地区", "down": "Move down: お住まいの地区",
                                                 "more": "More actions: お住まいの地区"}
