"""Users and roles, and the audit log, as the city lives it (issue 17, story f).

An admin of the information-policy section adds a new member of staff, Takahashi, with the staff role,
and hands over the temporary password in person. Takahashi signs in, must choose an own password, and
finds what staff may do: make and edit an app, but not publish it, nor open the users page, the audit log
or the emergency banner (each refusal is polite, and recorded). The admin makes Takahashi an admin: the
same publishing page now offers Publish, and Takahashi publishes. The admin opens the audit log and finds
each of these steps, by who did it and by app; and the log of an app with 100,000 submissions answers too.

The admin and Takahashi work in English (lang="en"), as some staff choose to.
"""

from __future__ import annotations

import re

import pytest

from .conftest import connected, sign_in
from .desk import make_an_app_from_the_template, notified, open_staff_page

NEWCOMER, NEWCOMER_NAME = "takahashi.ken", "高橋 健"
OWN_PASSWORD = "snow on the usu ridge 2026"
# What the consultation, booking, open-data and banner stories record (those that ran earlier in the run).
OTHER_STORIES = ("submission.view", "submission.reply", "resource.create", "bookings.calendar", "booking.move",
                 "booking.cancel", "slot.close", "open_data.publish", "open_data.unpublish", "banner.set",
                 "banner.clear", "access_point.create")


@pytest.fixture
def first_sign_in(browser, city):
    """A new member of staff signing in for the first time, with the temporary password, in English:
    the builder asks for an own password first, then shows the dashboard."""
    contexts = []

    def sign_in_first(username: str, temporary: str, own: str):
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP", base_url=city.url)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/staff/lang/en?next=/signin")
        sign_in(page, username, temporary)
        page.wait_for_url(re.compile(r"/staff/password$"))
        connected(page)
        page.get_by_text("Choose your own password now: the one you were given was temporary.").wait_for()
        page.get_by_label("Current password").fill(temporary)
        page.get_by_label("New password (at least 10 characters)").fill(own)
        page.get_by_label("New password again").fill(own)
        page.get_by_role("button", name="Change password").click()
        page.wait_for_url(re.compile(r"/staff/(\?.*)?$"))
        connected(page)
        return page

    yield sign_in_first
    for context in contexts:
        context.close()


def add_a_member_of_staff(page, username: str, name: str) -> str:
    """Users → the new person's user name and name, role Staff → Add; the temporary password shown once."""
    open_staff_page(page, "/users")
    page.get_by_label("User name (a-z, 0-9, . _ -)").fill(username)
    page.get_by_label("Name, as colleagues will see it").fill(name)
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_text(f"Temporary password for {username}").wait_for()
    temporary = page.locator(".mdg-password").inner_text().strip()
    page.get_by_role("button", name="Close").click()
    return temporary


def role_shown(page, name: str) -> str:
    return page.get_by_label(f"Role of {name}").inner_text().strip()


def change_the_role(page, name: str, role: str) -> None:
    open_staff_page(page, "/users")
    page.get_by_label(f"Role of {name}").click()
    page.get_by_role("option", name=role, exact=True).click()
    notified(page, f"Saved: {name}")


def header_links(page) -> list[str]:
    return [t.strip() for t in page.locator("header nav a").all_inner_texts()]


def refused_politely(page, path: str) -> None:
    response = page.goto("/staff" + path)
    assert response.status == 403, f"{path}: {response.status}"
    assert page.get_by_role("heading", name="Only an admin can open this page. Ask an admin of your office if you "
                                            "need it.").count() == 1


ONLY = """([column, value]) => {
  const cells = [...document.querySelectorAll(`main tbody tr td:nth-child(${column})`)];
  return cells.length > 0 && cells.every((td) => td.innerText.trim() === value);
}"""


def audit_lines(page, *, who: str | None = None, app: tuple[str, int] | None = None,
                action: str | None = None) -> list[list[str]]:
    """The audit log, filtered as an admin filters it (by who, or by app: its address and number): the rows
    shown, newest first, cell by cell (when, who, action, app, target, details)."""
    open_staff_page(page, "/audit")
    page.get_by_role("status").wait_for()
    if who:
        page.get_by_label("Who (user name)").fill(who)
        page.wait_for_function(ONLY, arg=[2, who])
    if action:
        page.get_by_label("Action", exact=True).click()
        page.get_by_role("option", name=action, exact=True).click()
        page.wait_for_function(ONLY, arg=[3, action])
    if app:
        page.get_by_label("App", exact=True).click()
        page.get_by_role("option", name=app[0], exact=True).click()
        page.wait_for_function(ONLY, arg=[4, str(app[1])])
    rows = page.locator("main tbody tr")
    return [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def actions_recorded(page) -> list[str]:
    """The actions the audit log's Action filter offers: every kind of action recorded so far."""
    open_staff_page(page, "/audit")
    page.get_by_label("Action", exact=True).click()
    options = page.get_by_role("option")
    options.first.wait_for()
    offered = [t.strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return offered


def actions(lines: list[list[str]]) -> list[tuple[str, str, str]]:
    """(who, action, target) of each line."""
    return [(line[1], line[2], line[4]) for line in lines]


def test_an_admin_adds_staff_who_may_edit_but_not_publish_then_makes_them_admin_and_the_audit_log_shows_it(
        staff, first_sign_in, big_table):
    admin = staff(lang="en")
    temporary = add_a_member_of_staff(admin, NEWCOMER, NEWCOMER_NAME)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary), temporary
    row = admin.locator("tr", has=admin.get_by_text(NEWCOMER, exact=True))
    assert "must change password" in row.inner_text()
    assert role_shown(admin, NEWCOMER_NAME) == "Staff"

    # Takahashi signs in, chooses a password, and sees what staff may do.
    takahashi = first_sign_in(NEWCOMER, temporary, OWN_PASSWORD)
    assert header_links(takahashi) == ["Apps", "New app", "Facility bookings"]
    draft = make_an_app_from_the_template(takahashi, "Citizen survey")
    takahashi.get_by_role("button", name="Publishing").click()
    takahashi.wait_for_url(re.compile(rf"/staff/apps/{draft}/publishing$"))
    takahashi.get_by_text("Only an admin can publish, schedule, retire or roll back this app.",
                          exact=False).wait_for()
    assert takahashi.get_by_role("button", name="Publish", exact=True).count() == 0
    for path in ("/users", "/audit", "/banner"):
        refused_politely(takahashi, path)

    # The admin makes Takahashi an admin: the same page now offers Publish, and Takahashi publishes.
    change_the_role(admin, NEWCOMER_NAME, "Admin")
    assert role_shown(admin, NEWCOMER_NAME) == "Admin"
    open_staff_page(takahashi, f"/apps/{draft}/publishing")
    assert "Users" in header_links(takahashi) and "Audit log" in header_links(takahashi)
    acknowledge = takahashi.get_by_role("checkbox", name="I have read the warnings and want to publish anyway")
    takahashi.get_by_role("button", name="Publish", exact=True).wait_for()
    if acknowledge.count():
        acknowledge.click()
    takahashi.get_by_role("button", name="Publish", exact=True).click()
    notified(takahashi, "Published: residents see it now")
    open_staff_page(takahashi, "/audit")
    takahashi.get_by_role("heading", name="Audit log", level=1).wait_for()

    # And back to staff: the audit log is closed to Takahashi again.
    change_the_role(admin, NEWCOMER_NAME, "Staff")
    refused_politely(takahashi, "/audit")

    # The audit log tells the story, newest first.
    by_admin = actions(audit_lines(admin, who="ito"))
    for line in (("ito", "user.create", NEWCOMER), ("ito", "user.role", NEWCOMER)):
        assert line in by_admin, f"{line} not in {by_admin[:10]}"
    roles = [line for line in audit_lines(admin, who="ito") if line[2] == "user.role" and line[4] == NEWCOMER]
    assert '["admin", "staff"]' in roles[0][5] and '["staff", "admin"]' in roles[1][5], roles
    by_newcomer = actions(audit_lines(admin, who=NEWCOMER))
    expected = [("auth.sign_in", NEWCOMER), ("user.password_change", NEWCOMER), ("app.create", ""),
                ("auth.refused", "/users"), ("auth.refused", "/audit"), ("auth.refused", "/banner"),
                ("app.publish", "")]
    for action, target in expected:
        assert any(a == action and (not target or t == target) for _w, a, t in by_newcomer), (
            f"{action} {target} not in {by_newcomer}")

    # The log of one app, the one with 100,000 submissions among them.
    big = audit_lines(admin, app=(big_table.slug, big_table.app_id))
    assert {"app.create", "app.publish", "access_point.create"} <= {line[2] for line in big}

    # What the other stories of this run did, whichever ran before this one: each is in the log, by someone.
    recorded = actions_recorded(admin)
    for action in sorted(set(OTHER_STORIES) & set(recorded)):
        lines = audit_lines(admin, action=action)
        assert all(line[1] for line in lines), f"{action}: a line names nobody: {lines[:3]}"
