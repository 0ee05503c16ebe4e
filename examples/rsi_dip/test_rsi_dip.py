"""Property tests of the RSI-dip strategy on the fake exchange, with its faults on."""

from decimal import Decimal
from typing import ClassVar

from rsi_dip.strategy import make

from adapters.fake.testing import MACHINE_SETTINGS, ServicesMachine

OPTIONS = {"symbol": "SOLUSDT", "below": 45, "reserve": "20"}  # 45: it buys often here


class RsiDipMachine(ServicesMachine):
    SYMBOLS = ("SOLUSDT", "USDCUSDT")
    DEPOSITS: ClassVar = {"USDT": "300"}
    START_ASSETS = ("USDT",)
    RESERVES: ClassVar = {"rsi_dip": Decimal(20)}  # the free USDT each buy must leave
    RESERVE_QUOTE = "USDT"

    def make_services(self, deps):
        return [(make(deps, OPTIONS), 900)]  # (service, interval_s)


TestRsiDip = RsiDipMachine.TestCase
TestRsiDip.settings = MACHINE_SETTINGS  # 10 runs of 15 steps
