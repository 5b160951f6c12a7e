"""Small GeoJSON builders for zone tests."""

from __future__ import annotations

import json
from pathlib import Path

# Wapenplein, Oostende, in WGS84 and in Lambert 72 (EPSG:31370).
WAPENPLEIN_LONLAT = (2.9196, 51.2297)
WAPENPLEIN_LAMBERT72 = (48780.0, 214294.0)


def square(x: float, y: float, half: float) -> dict:
    """A GeoJSON Polygon: the axis-aligned square of half-side `half` around (x, y), in the file's units."""
    ring = [
        [x - half, y - half],
        [x + half, y - half],
        [x + half, y + half],
        [x - half, y + half],
        [x - half, y - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def bow_tie(x: float, y: float, half: float) -> dict:
    """A self-intersecting ring: two triangles that touch in (x, y). Invalid as a polygon."""
    ring = [
        [x - half, y - half],
        [x + half, y + half],
        [x + half, y - half],
        [x - half, y + half],
        [x - half, y - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(geometry: dict | None, **properties) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write_collection(path: Path, features: list[dict], *, epsg: int | None = None) -> Path:
    """Write a FeatureCollection; `epsg` adds the (GeoJSON 2008) crs member that OGR reads."""
    collection: dict = {"type": "FeatureCollection", "features": features}
    if epsg is not None:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path
