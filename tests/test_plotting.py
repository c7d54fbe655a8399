"""The figures students compare: one colour scale for difference maps, gains on their own axis, labelled grids."""
import torch

import utils


def test_difference_maps_of_all_models_share_one_scale_with_a_colour_bar(shown):
    images = torch.rand(4, 3, 8, 8)
    utils.show_reconstructions(images, {"trained": images * 0.9, "random init": torch.zeros_like(images)})
    fig = shown[0]
    maps = [ax.images[0] for ax in fig.axes if ax.images and ax.images[0].get_cmap().name == "magma"]
    assert len(maps) == 2 * 2 * 4  # (L1, L2) x models x images
    l1_limits = {m.get_clim() for m in maps[:4] + maps[8:12]}
    assert len(l1_limits) == 1, "the L1 maps of both models must share one colour scale"
    assert sum(ax.get_label() == "<colorbar>" for ax in fig.axes) == 4


def test_bars_with_a_baseline_show_the_gain_on_its_own_axis(shown):
    utils.plot_bars({"trained": 47.0, "random init": 45.5}, title="probe", ylabel="accuracy (%)", baseline="random init")
    value_ax, gain_ax = shown[0].axes
    assert [t.get_text() for t in gain_ax.texts] == ["+1.5"] and gain_ax.get_ylim()[1] < 5
    assert "gain over random init" in gain_ax.get_title()


def test_image_grid_shows_the_captions(shown):
    utils.show_images(torch.rand(3, 3, 8, 8), ["cat", "dog", "ship"], title="labelled")
    assert [ax.get_title() for ax in shown[0].axes[:3]] == ["cat", "dog", "ship"]


def test_topk_probabilities_show_one_row_per_temperature_and_mark_the_true_class(shown):
    logits = torch.tensor([[4.0, 1.0, 0.0], [0.0, 3.0, 1.0]])
    utils.plot_topk_probabilities(logits, [0, 2], ["a", "b", "c"], (1.0, 4.0), n=2, k=3)
    axes = shown[0].axes
    assert len(axes) == 4 and "T = 4" in axes[2].get_title() and axes[0].get_yscale() == "log"
    colours = [bar.get_facecolor() for bar in axes[1].patches]  # sample 1 at T = 1: its true class "c" is 2nd likeliest
    assert colours[1] != colours[0] and colours[0] == colours[2]
    heights = [bar.get_height() for bar in axes[3].patches]
    assert max(heights) < torch.softmax(logits[1], 0).max(), "a higher temperature flattens the distribution"


def test_agreement_matrices_report_the_diagonal_share(shown):
    utils.plot_agreement({"copycat": [[3, 0], [0, 1]], "half": [[1, 1], [1, 1]]}, ["zero", "one"], title="agree")
    *matrix_axes, bar_ax = shown[0].axes
    assert [ax.get_title() for ax in matrix_axes] == ["copycat: 100.0 % agree", "half: 50.0 % agree"]
    assert [t.get_text() for t in bar_ax.texts] == ["100.0", "50.0"]


def test_schedules_get_one_panel_each(shown):
    utils.plot_schedules({"lr": [1.0, 0.5, 0.1], "momentum": [0.9, 0.95, 1.0]})
    assert [ax.get_title() for ax in shown[0].axes] == ["lr", "momentum"]
    assert list(shown[0].axes[1].lines[0].get_ydata()) == [0.9, 0.95, 1.0]


def test_attention_maps_one_row_per_image_one_column_per_head(shown):
    utils.show_attention(torch.rand(2, 3, 8, 8), torch.rand(2, 3, 2, 2), ["cat", "dog"], title="attention")
    axes = shown[0].axes
    assert len(axes) == 2 * 4 and [axes[0].get_title(), axes[4].get_title()] == ["cat", "dog"]
    assert axes[1].get_title() == "head 1" and axes[1].images[0].get_array().shape == (2, 2)


def test_curves_with_spread_on_a_log_axis_keep_their_tick_labels(shown):
    utils.plot_curves([1, 5, 117], {"simclr": ([80.0, 90.0, 97.0], [3.0, 1.0, 0.0]), "random": [60.0, 75.0, 94.0]},
                      title="labels", xlabel="labels per class", ylabel="accuracy (%)", logx=True,
                      xticklabels=["1", "5", "all"])
    ax = shown[0].axes[0]
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_xticklabels()] == ["1", "5", "all"]
    assert [line.get_label() for line in ax.lines] == ["simclr", "random"] and len(ax.collections) == 1
    assert list(ax.lines[1].get_ydata()) == [60.0, 75.0, 94.0]


def test_contact_maps_put_truth_above_and_each_predictors_top_l_below(shown):
    import numpy as np

    truth = np.zeros((10, 10), dtype=int)
    truth[0, 9] = truth[9, 0] = truth[1, 8] = truth[8, 1] = 1
    perfect, noise = truth.astype(float), np.random.default_rng(0).random((10, 10))
    utils.plot_contact_maps(truth, {"perfect": perfect, "noise": noise}, title="toy", min_separation=6)
    axes = shown[0].axes
    assert len(axes) == 2 and axes[0].get_title().startswith("perfect")
    true_pts, hits, misses = (c.get_offsets() for c in axes[0].collections)
    assert {tuple(p) for p in np.asarray(true_pts)} == {(9, 0), (8, 1)}, "truth (x=j, y=i) above the diagonal"
    assert {tuple(p) for p in np.asarray(hits)} == {(0, 9), (1, 8)}, "correct top-L pairs mirrored below"
    assert len(hits) + len(misses) == 10 and "2 of 2 contacts (sep. ≥ 6) in its top 10" in axes[0].get_title()
    assert shown[0]._suptitle.get_text().startswith("toy: true contacts")


def test_matrices_of_different_sizes_get_one_titled_panel_each(shown):
    utils.show_matrices({"a": torch.eye(3), "b": torch.ones(5, 5)}, title="maps")
    axes = shown[0].axes
    assert [ax.get_title() for ax in axes] == ["a", "b"] and axes[1].images[0].get_array().shape == (5, 5)
    assert shown[0]._suptitle.get_text() == "maps"
