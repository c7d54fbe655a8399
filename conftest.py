"""Pytest configuration shared by unit tests and the nbmake notebook runs."""
import os

# Tests and notebook runs use the offline smoke profile unless a profile is chosen explicitly.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("MPLBACKEND", "Agg")

# Only solution notebooks are executed; student versions stop at their first blank by design.
collect_ignore_glob = ["week*/*_exercise.ipynb", "runs/*", "data/*"]
