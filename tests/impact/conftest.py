"""Shared fixtures of the impact-engine tests: the Sicily reference data set, read from the shared folder."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

SICILY = Path(__file__).resolve().parents[3] / "shared" / "reference" / "sicily.csv"
SICILY_SHA256 = "780806fc955e64e559d28d31a41a20933ed88c6351ce8788aada23df06047fb8"


@pytest.fixture(scope="session")
def sicily() -> pd.DataFrame:
    """The Lopez Bernal et al. (2017) Sicily series, 59 months; fails loudly if missing or altered."""
    if not SICILY.is_file():
        pytest.fail(f"Reference file missing: {SICILY} (the repo must sit beside shared/reference/).")
    digest = hashlib.sha256(SICILY.read_bytes()).hexdigest()
    if digest != SICILY_SHA256:
        pytest.fail(f"{SICILY} differs from the reference (sha256 {digest}).")
    return pd.read_csv(SICILY)
