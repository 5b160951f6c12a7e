"""A minimal Mapbox vector tile reader for tests: layers, features, their properties and geometry commands.

The tile is protobuf (vector_tile.proto, spec 2.1): Tile.layers = 3; Layer: name = 1, features = 2, keys = 3,
values = 4, extent = 5, version = 15; Feature: id = 1, tags = 2 (packed), type = 3, geometry = 4 (packed);
Value: string = 1, float = 2, double = 3, int = 4, uint = 5, sint = 6, bool = 7. Fifty lines instead of a
dependency, and reading it here checks the bytes themselves.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            yield number, data[pos : pos + length]
            pos += length
        elif wire == 1:
            yield number, data[pos : pos + 8]
            pos += 8
        elif wire == 5:
            yield number, data[pos : pos + 4]
            pos += 4
        else:
            raise ValueError(f"wire type {wire}")


def _packed(data: bytes) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _varint(data, pos)
        values.append(value)
    return values


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _value(data: bytes):
    for number, raw in _fields(data):
        if number == 1:
            return raw.decode()  # type: ignore[union-attr]
        if number == 2:
            return struct.unpack("<f", raw)[0]  # type: ignore[arg-type]
        if number == 3:
            return struct.unpack("<d", raw)[0]  # type: ignore[arg-type]
        if number in (4, 5):
            return raw if isinstance(raw, int) and raw < 2**63 else raw - 2**64  # type: ignore[operator]
        if number == 6:
            return _zigzag(raw)  # type: ignore[arg-type]
        if number == 7:
            return bool(raw)
    return None


def _rings(commands: list[int]) -> list[list[tuple[int, int]]]:
    """Polygon rings in tile coordinates (y down), from MoveTo/LineTo/ClosePath commands."""
    rings: list[list[tuple[int, int]]] = []
    x = y = pos = 0
    while pos < len(commands):
        command, count = commands[pos] & 7, commands[pos] >> 3
        pos += 1
        if command == 7:  # ClosePath
            continue
        for _ in range(count):
            x += _zigzag(commands[pos])
            y += _zigzag(commands[pos + 1])
            pos += 2
            if command == 1:
                rings.append([])
            rings[-1].append((x, y))
    return rings


def decode(tile: bytes) -> dict[str, dict]:
    """{layer name: {"extent": int, "features": [{"type", "properties", "rings"}]}}"""
    layers = {}
    for number, layer_bytes in _fields(tile):
        if number != 3:
            continue
        name, extent, keys, values = "", 4096, [], []
        raw_features: list[bytes] = []
        for field, raw in _fields(layer_bytes):  # type: ignore[arg-type]
            if field == 1:
                name = raw.decode()  # type: ignore[union-attr]
            elif field == 2:
                raw_features.append(raw)  # type: ignore[arg-type]
            elif field == 3:
                keys.append(raw.decode())  # type: ignore[union-attr]
            elif field == 4:
                values.append(_value(raw))  # type: ignore[arg-type]
            elif field == 5 and isinstance(raw, int):
                extent = raw
        features = []
        for raw_feature in raw_features:
            tags: list[int] = []
            geometry: list[int] = []
            kind = 0
            for field, raw in _fields(raw_feature):
                if field == 2:
                    tags = _packed(raw)  # type: ignore[arg-type]
                elif field == 3:
                    kind = raw  # type: ignore[assignment]
                elif field == 4:
                    geometry = _packed(raw)  # type: ignore[arg-type]
            properties = {keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)}
            features.append({"type": kind, "properties": properties, "rings": _rings(geometry)})
        layers[name] = {"extent": extent, "features": features}
    return layers
