"""Running the real `govlod` command in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def run_govlod(
    *args: str, cwd: Path = PROJECT, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GOVLOD_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "govlod", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
