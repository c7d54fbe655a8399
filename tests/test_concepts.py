"""The weekly concept figures: every week draws one figure, the aliases agree, and an unknown week says what exists."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import utils  # noqa: E402
from utils import concepts  # noqa: E402

WEEKS = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]


@pytest.mark.parametrize("week", WEEKS)
def test_each_week_shows_exactly_one_figure_with_axes(shown, week):
    plt.close("all")
    assert utils.concept_figure(week) is None
    assert len(shown) == 1 and plt.get_fignums() == [shown[0].number]
    fig = shown[0]
    assert fig.axes, "the figure must have at least one axes"
    assert fig._suptitle is not None and fig._suptitle.get_text()
    width, height = fig.get_size_inches()
    assert 12 <= width <= 14 and 3 <= height <= 4.5


def test_every_registered_week_is_tested():
    assert sorted(concepts._WEEKS) == sorted(WEEKS)


@pytest.mark.parametrize("aliases", [("01", "1", "week01", "week01_autoencoder", " Week01 "),
                                     ("05", "week05", "week05_moco_clustering"), ("12", "week12", "week12_protein_lm")])
def test_aliases_resolve_to_the_same_figure_function(aliases):
    assert len({concepts._resolve(alias) for alias in aliases}) == 1


@pytest.mark.parametrize("week", ["13", "week14", "week01_simclr", "autoencoder", ""])
def test_unknown_week_raises_value_error_naming_the_available_weeks(week):
    with pytest.raises(ValueError) as info:
        utils.concept_figure(week)
    message = str(info.value)
    assert repr(week) in message
    assert all(number in message for number in WEEKS) and "week01_autoencoder" in message


@pytest.mark.parametrize("week", WEEKS)
def test_committed_figure_is_up_to_date_and_shown_before_anything_runs(week, tmp_path):
    """Issue 28: each week's figure is a committed PNG embedded in the first markdown cell (GitHub and Colab show
    it unexecuted); it must match what utils/concepts.py draws now (regenerate: python -m utils.concepts)."""
    import json

    import matplotlib.image as mpimg
    import numpy as np

    folder = concepts._WEEKS[week][0]
    committed = concepts.Path(__file__).resolve().parents[1] / folder / concepts.FIGURE_FILE
    assert committed.exists(), f"{committed} is missing: run python -m utils.concepts"
    fresh = concepts.save_concept_figure(week, tmp_path / "concept.png")
    a, b = mpimg.imread(committed), mpimg.imread(fresh)
    assert a.shape == b.shape and np.abs(a - b).mean() < 2e-3, \
        f"{committed} is out of date with utils/concepts.py: run python -m utils.concepts"
    cells = json.loads((committed.parents[1] / f"{folder}.ipynb").read_text())["cells"]
    assert cells[0]["cell_type"] == "markdown" and f"]({concepts.FIGURE_FILE})" in "".join(cells[0]["source"]), \
        f"the first markdown cell of {folder} must embed {concepts.FIGURE_FILE}"
