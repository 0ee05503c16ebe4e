"""Fixtures of the service tests: default policies (the SPEC's numbers)."""

from __future__ import annotations

import pytest

from mexcore.policies import (
    AntiHypePolicy,
    BalanceMonitorPolicy,
    Balancer5050Policy,
    PnlMonitorPolicy,
    ScannerPolicy,
)


@pytest.fixture
def antihype() -> AntiHypePolicy:
    return AntiHypePolicy()


@pytest.fixture
def scanner_policy() -> ScannerPolicy:
    return ScannerPolicy()


@pytest.fixture
def bm_policy() -> BalanceMonitorPolicy:
    return BalanceMonitorPolicy()


@pytest.fixture
def pnl_policy() -> PnlMonitorPolicy:
    return PnlMonitorPolicy()


@pytest.fixture
def policy_5050() -> Balancer5050Policy:
    return Balancer5050Policy()
