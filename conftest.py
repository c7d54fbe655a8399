"""Pytest configuration shared by unit tests and the nbmake notebook runs."""
import os

# Tests and notebook runs use the offline smoke profile unless a profile is chosen explicitly.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")
# Before any test imports torch (and so OpenMP): idle threads sleep instead of spinning on a busy machine.
# Notebook kernels set the same in their setup cell.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Only solution notebooks are executed; student versions stop at their first blank by design.
collect_ignore_glob = ["week*/*_exercise.ipynb", "runs/*", "data/*"]
