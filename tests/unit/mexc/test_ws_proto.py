import importlib.util
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from adapters.mexc.proto.PrivateOrdersV3Api_pb2 import PrivateOrdersV3Api
from adapters.mexc.proto.PushDataV3ApiWrapper_pb2 import PushDataV3ApiWrapper

ROOT = Path(__file__).resolve().parents[3]
PROTO_DIR = ROOT / "src" / "adapters" / "mexc" / "proto"
PINNED_TOOLS = "1.85.1"


def _installed_tools() -> str | None:
    if importlib.util.find_spec("grpc_tools") is None:
        return None
    try:
        return version("grpcio-tools")
    except PackageNotFoundError:
        return None


def test_regenerating_the_protobuf_modules_gives_identical_files(tmp_path: Path) -> None:
    if _installed_tools() != PINNED_TOOLS:
        pytest.skip(f"grpcio-tools {PINNED_TOOLS} is not installed")
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto"), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*_pb2.py*")}
    committed = {p.name: p.read_text() for p in PROTO_DIR.glob("*_pb2.py*")}
    assert len(fresh) == 32
    assert fresh == committed


def test_the_wrapper_body_members_carry_the_upstream_field_numbers() -> None:
    fields = PushDataV3ApiWrapper.DESCRIPTOR.fields_by_name
    numbers = {name: fields[name].number for name in fields}
    assert numbers["channel"] == 1
    assert (numbers["symbol"], numbers["symbolId"]) == (3, 4)
    assert (numbers["createTime"], numbers["sendTime"]) == (5, 6)
    oneof = PushDataV3ApiWrapper.DESCRIPTOR.oneofs_by_name["body"]
    assert sorted(f.number for f in oneof.fields) == list(range(301, 316))
    assert numbers["publicAggreDepths"] == 313
    assert numbers["publicAggreDeals"] == 314
    assert numbers["publicAggreBookTicker"] == 315


def test_the_orders_push_names_the_client_order_id_client_id_at_field_two() -> None:
    fields = PrivateOrdersV3Api.DESCRIPTOR.fields_by_name
    assert fields["clientId"].number == 2
    assert fields["status"].number == 15
    assert fields["currencyId"].number == 26


def test_optional_wrapper_fields_report_absence() -> None:
    wrapper = PushDataV3ApiWrapper(channel="spot@private.account.v3.api.pb")
    parsed = PushDataV3ApiWrapper.FromString(wrapper.SerializeToString())
    assert not parsed.HasField("symbol")
    assert parsed.WhichOneof("body") is None
