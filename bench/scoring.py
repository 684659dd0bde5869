"""The independent scorer, `../shared/eval/score.py` beside the repository: run it and read its JSON line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCORER = Path(__file__).resolve().parent.parent.parent / "shared/eval/score.py"


def scorer_line(task: str, data: Path, predictions: Path) -> str | None:
    """score.py's last line (JSON) for `task`, its error output if it failed, None where there is no scorer."""
    if not SCORER.exists():
        return None
    result = subprocess.run(
        [sys.executable, str(SCORER), task, str(data), str(predictions)], capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1] if result.returncode == 0 else result.stderr
