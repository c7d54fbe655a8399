"""Miniature stand-ins of every file the full profile reads, in the released formats (tests only).

``write(root, name)`` writes one stand-in (``STANDINS`` lists them) under ``root`` = ``COURSE_DATA``
(torch hub files under ``root/torch``, as ``TORCH_HOME``); each is random content, few items, every
class present. Only the rehearsal (``tests/rehearsal.py``, ``tests/test_rehearsal.py``) uses them.
"""
