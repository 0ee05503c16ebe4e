"""One bot per state directory: the second holder is refused with the first one's pid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runners.instance_lock import LOCK_NAME, AlreadyRunning, instance_lock


def test_a_second_lock_on_the_same_state_directory_is_refused_with_the_holders_pid(
    tmp_path: Path,
) -> None:
    with instance_lock(tmp_path / "state"), pytest.raises(AlreadyRunning) as refused:
        instance_lock(tmp_path / "state").__enter__()

    assert f"pid {os.getpid()}" in str(refused.value)
    assert "place the same orders twice" in str(refused.value)


def test_the_lock_is_released_when_the_block_ends_and_other_directories_are_free(
    tmp_path: Path,
) -> None:
    with instance_lock(tmp_path / "a"), instance_lock(tmp_path / "b"):
        assert (tmp_path / "a" / LOCK_NAME).read_text() == f"{os.getpid()}\n"

    with instance_lock(tmp_path / "a"):  # free again
        pass
