"""Week 10's data and helpers: generated shape/texture stimuli, cue-conflict images, clip-benchmark webdatasets,
pretrained-model loaders with their cost, the ImageNet-only baseline points, and plots."""
from .baselines import IMAGENET_ONLY, SOURCE as BASELINE_SOURCE
from .cue_conflict import CATEGORIES, CueConflictImages, IMAGENET_INDICES, cue_conflict_folder, imagenet_to_categories
from .models import (gmacs, layer_features, load_imagenet_classifier, load_open_clip, load_timm,
                     load_torchvision_resnet50, pool_spatial)
from .prompts import CIFAR_TEMPLATES, templates_for_run
from .plots import plot_cka, plot_effective_robustness, plot_power_law
from .stimuli import SHAPE_NAMES, TEXTURE_NAMES, balanced_labels, render, render_images, shape_mask, texture_field
from .webdata import WebDatasetShards, imagenet_r_indices, read_lines, wds_folder

__all__ = [name for name in dir() if not name.startswith("_")]
