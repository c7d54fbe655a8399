"""The GPU check (benchmarks/gpu_check.py) runs in CI on the CPU in its quick mode, so it cannot rot."""
import subprocess
import sys

from tests.nbtools import REPO_ROOT


def test_gpu_check_quick_passes_every_step():
    done = subprocess.run([sys.executable, str(REPO_ROOT / "benchmarks" / "gpu_check.py"), "--quick"],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=1200)
    report = done.stdout[done.stdout.rfind("=== REPORT"):]
    print(done.stdout[-6000:], done.stderr[-2000:])
    assert done.returncode == 0, report or done.stderr[-3000:]
    for step in ("1. utils.fit resume", "2. week 4 and week 7 resume", "3. full-profile rehearsals",
                 "4. step benchmark", "5. data loading"):
        assert step in report, f"the report has no line for {step!r}"
    assert "week 07:" in report and "images/s" in report
