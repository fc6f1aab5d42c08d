"""Fixtures shared by the whole test suite."""

from pathlib import Path

import pytest
import torch

# CI machines have 2 cores; more torch threads than that only adds contention.
torch.set_num_threads(min(2, torch.get_num_threads()))

RAVDESS_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess16k"


@pytest.fixture(scope="session")
def ravdess_path():
    """The RAVDESS 16 kHz copy beside the repository; skip when it is absent."""
    if not (RAVDESS_PATH / "Actor_01").is_dir():
        pytest.skip(f"RAVDESS not found at {RAVDESS_PATH}")
    return RAVDESS_PATH
