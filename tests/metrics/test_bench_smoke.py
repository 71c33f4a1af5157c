"""Tiny runs of the bench scripts print their tables (full runs are not tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.server


def test_benches_print_their_tables_for_a_tiny_data_set(tmp_path):
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

    writes = subprocess.run(
        [sys.executable, "bench/rating_writes.py", "--count", "5", "--databases", "sqlite",
         "--sqlite-path", str(tmp_path / "bench.sqlite")],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert writes.returncode == 0, writes.stderr[-2000:]
    timed = [line.split() for line in writes.stdout.splitlines() if line.startswith("sqlite")]
    assert [" ".join(row[1:-3]) for row in timed] == ["rating write (rollups)"]
    assert all(float(row[-3]) > 0 and row[-1] == "5" for row in timed)  # p50 and the count


def test_the_set_up_bench_prints_one_row_per_database():
    result = subprocess.run([sys.executable, "bench/setup_per_test.py", "--count", "3", "--seconds", "30"],
                            cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith(("sqlite", "postgresql "))]
    assert rows and rows[0][0] == "sqlite"
    assert all(float(row[1]) > 0 and row[3] == "3" for row in rows)  # p50 and the count


def test_the_release_bench_prints_information_kept_and_release_times(tmp_path):
    result = subprocess.run(
        [sys.executable, "bench/releases.py", "--ratings", "300", "--departments", "4", "--databases", "sqlite",
         "--sqlite-path", str(tmp_path / "bench.sqlite")],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    kept = [line.split() for line in lines if line.startswith(("demo ", "large "))]
    assert {(row[0], row[1], row[2]) for row in kept} >= {("demo", "quarter", "company"), ("large", "week", "pair")}
    demo_company = next(row for row in kept if row[:3] == ["demo", "quarter", "company"])
    assert demo_company[3] == demo_company[4] != "0" and demo_company[5] == "100.0"  # the company total is kept
    timed = [line.split() for line in lines if line.startswith("sqlite")]
    assert len(timed) == 1 and int(timed[0][1]) > 0 and int(timed[0][2]) > 0


def test_the_mail_bench_prints_the_worker_beside_a_bare_loop():
    result = subprocess.run([sys.executable, "bench/mail.py", "--count", "150", "--databases", "sqlite"],
                            cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    (row,) = [line.split() for line in result.stdout.splitlines() if line.startswith("sqlite")]
    assert row[1] == "150" and all(float(value) > 0 for value in row[2:6])  # seconds, both rates, the share
