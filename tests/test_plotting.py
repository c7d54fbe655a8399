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
