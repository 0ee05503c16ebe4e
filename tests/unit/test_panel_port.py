"""The ControlPanel port lives in the core; Telegram re-exports the same objects."""

from __future__ import annotations

import adapters.telegram.panel as telegram_panel
import mexcore.panel as core_panel
from adapters.fake.panel import StaticControlPanel


def test_telegram_panel_names_are_the_core_port_and_its_records() -> None:
    for name in core_panel.__dict__:
        if name[0].isupper() and name in telegram_panel.__all__:
            assert getattr(telegram_panel, name) is getattr(core_panel, name)
    assert telegram_panel.StaticControlPanel is StaticControlPanel
    assert set(telegram_panel.__all__) >= {"ControlPanel", "RunnerStatus", "PnlView"}
