"""The house style's checks: WCAG contrast maths and the palettes shipped as defaults."""

import pytest
from pydantic import ValidationError

from digest.email.style import Palette, StyleSettings, contrast


def test_contrast_matches_wcag_reference_values():
    assert contrast("#000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#fff") == pytest.approx(4.48, abs=0.01)  # the classic just-fails grey
    assert contrast("#0b57d0", "#eef3fb") == contrast("#eef3fb", "#0b57d0") > 4.5


def test_default_palettes_pass_and_a_bad_one_names_every_failing_pair():
    style = StyleSettings()
    assert style.light.text == "#1f2328" and style.dark.background == "#121212"
    with pytest.raises(ValidationError, match=r"muted #888 on background #f3f4f6 is 3\.\d\d:1; muted #888 on card"):
        Palette(muted="#888")
