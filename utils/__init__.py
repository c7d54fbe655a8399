"""Shared helpers of the Representation Learning course (data, evaluation, plotting, training, profiles).

Method code (models, losses, training steps) lives in each week's notebook; this package holds
only what every week needs around it.
"""
from .concepts import concept_figure
from .data import (DatasetUnavailableError, DigitsImages, DryRunSubset, IMAGE_DATASETS, IMAGENET_MEAN, IMAGENET_STD,
                   class_names, data_root, dataset_to_tensors, download_file, fetching, file_digests, image_dataset,
                   load_hf_dataset, make_loader, normalize_images, TensorBatches, tissue_dataset, to_unit_float)
from .generators import ClutteredImages, NoisyImages, TextureImages
from .models import SmallConvNet
from .evaluation import (auroc, clustering_accuracy, clustering_metrics, cosine_topk, euclidean_knn_accuracy, extract_features,
                         few_shot_accuracy, few_shot_indices, fpr_at_tpr, knn_accuracy, linear_probe, ood_metrics)
from .expectations import check_metrics, load_expected, measured_table, show_measured
from .plotting import (plot_agreement, plot_attention_distances, plot_bars, plot_contact_maps, plot_curves, plot_histogram, plot_history,
                       plot_roc, plot_schedules, plot_topk_probabilities, plot_tsne, show_attention, show_images,
                       show_matrices, show_neighbors, show_reconstructions)
from .profiles import (Config, checkpoint_dir, get_device, get_profile, is_dry_run, make_config, profile_banner,
                       set_cpu_threads, set_seed)
from .training import (History, ModelEMA, MovingAverage, adamw_warmup_cosine, cosine_schedule, count_parameters, define_param_groups, fit,
                       load_best, load_checkpoint, save_checkpoint, to_device, warmup_cosine_lambda)

from .weights import moco_v2_checkpoint, open_clip_model, timm_model, torchvision_model

__all__ = [name for name in dir() if not name.startswith("_")]
