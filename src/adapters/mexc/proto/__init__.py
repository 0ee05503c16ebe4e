"""Generated protobuf messages of MEXC's spot WebSocket pushes (see scripts/gen_proto)."""
