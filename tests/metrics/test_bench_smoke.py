"""A tiny run of bench/dashboards.py prints its table (the full run is not part of the test suite)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.server


def test_bench_prints_the_table_for_a_tiny_data_set(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/dashboards.py", "--ratings", "300", "--departments", "4", "--requests", "3",
         "--databases", "sqlite", "--sqlite-path", str(tmp_path / "bench.sqlite")],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["database", "endpoint", "path"]
    rows = [line.split() for line in lines if line.startswith("sqlite")]
    assert len(rows) == 5
    assert [row[1] for row in rows] == ["matrix", "matrix", "pair", "pair", "floor"]
    assert all(float(row[4]) > 0 and float(row[6]) > 0 for row in rows[:4])  # p50 and raw SQL reference
    assert rows[4][6:8] == ["-", "-"]  # the floor has no raw reference
