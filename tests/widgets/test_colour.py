"""An app's own colour: WCAG contrast, the 7:1 the lint asks of it, and nothing but a colour in a stylesheet."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from widgets import AppSpec
from widgets.colour import contrast, luminance, title_bar_css
from widgets.lint import lint


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
    ("#1d70b8", "#ffffff", 5.17),  # GOV.UK blue
    ("#595959", "#FFFFFF", 7.0),   # about the lightest grey that passes AAA
])
def test_contrast_is_wcags(first, second, ratio):
    assert contrast(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast(second, first) == contrast(first, second)


@pytest.mark.parametrize("bad", ["red", "#fff", "#12345g", "#1d4f91;}body{display:none", "1d4f91", ""])
def test_only_a_six_digit_colour_is_a_colour(bad, example_spec):
    with pytest.raises(ValueError):
        luminance(bad)
    with pytest.raises(ValueError):
        title_bar_css(bad)
    with pytest.raises(ValidationError):
        AppSpec.model_validate({**example_spec, "colour": bad})


def test_the_title_bar_rule_leaves_the_high_contrast_scheme_alone():
    assert title_bar_css("#1D4F91") == "html:not(.contrast-high) .header{background:#1d4f91}"


def colour_issues(example_spec, colour):
    spec = AppSpec.model_validate({**example_spec, "colour": colour})
    return [i for i in lint(spec) if i.code == "colour-contrast"]


def test_publishing_is_refused_for_a_colour_white_text_cannot_be_read_on(example_spec):
    [issue] = colour_issues(example_spec, "#1d70b8")
    assert issue.level == "error"
    assert issue.message.startswith(
        "The title bar colour #1d70b8 is too light: white text on it has a contrast of 5.1:1")


def test_a_ratio_just_under_7_is_never_shown_as_7(example_spec):
    # #5e4f91 is 6.99:1 on white: rounding would say 7.0 and refuse it in the same breath.
    [issue] = colour_issues(example_spec, "#5e4f91")
    assert issue.params["ratio"] == "6.9"


@pytest.mark.parametrize("colour", [None, "#1d4f91", "#000000", "#595959"])
def test_a_dark_colour_or_none_passes(example_spec, colour):
    assert colour_issues(example_spec, colour) == []
