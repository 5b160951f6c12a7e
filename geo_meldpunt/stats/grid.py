"""The cell grid: slippy-map tiles of EPSG:3857, the one rule from a map's zoom to a cell size. Pure, no database.

Why tiles of Web Mercator rather than Lambert 72: the maps that read cells (Leaflet, vector tiles) draw in Web
Mercator, so a cell of grid g is exactly tile z=g, x=ix, y=iy: a z14 vector tile holds whole z16 cells, a
cluster lines up with what the map draws, and cells of grid g+1 nest four to a cell of grid g (ix >> 1, iy >> 1),
so one stored grid serves the zooms just below it. Lambert 72 squares would be truer metres in Belgium (Mercator
cells are about 1.6 times smaller on the ground than at the equator here, the same for every cell in the city),
but they never line up with a tile. The SQL functions stats_cell_x / stats_cell_y (migration 0001) compute the
same indices in the database; cells hold reports whose point falls in [west, east) x (south, north].
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Grids stored in the cell tables. A cell of grid g is a tile of zoom g: at zoom g - 2 it is 64 pixels wide. Every
# second grid: a read at an odd one groups four cells of the next finer grid. Changing this needs
# `manage.py stats_cells_rebuild` (the triggers read the grids from CellState).
GRIDS = (12, 14, 16, 18)
# A cell is 64 pixels wide on the map (a quarter tile): grid = zoom + 2.
CELL_GRID_OFFSET = 2
CELL_PX = 256 >> CELL_GRID_OFFSET


@dataclass(frozen=True)
class GridRead:
    """Where to read cells for a zoom: the stored grid `stored`, grouped `shift` levels up to grid `grid`."""

    grid: int
    stored: int
    shift: int


def grid_for_zoom(zoom: int) -> GridRead:
    """The cells a map at `zoom` shows (about CELL_PX pixels wide) and the stored grid they are summed from.

    Grids finer than the finest stored one read the finest (cells then look larger than CELL_PX).
    """
    wanted = zoom + CELL_GRID_OFFSET
    finer = [g for g in GRIDS if g >= wanted]
    if not finer:
        return GridRead(grid=GRIDS[-1], stored=GRIDS[-1], shift=0)
    stored = finer[0]
    return GridRead(grid=wanted, stored=stored, shift=stored - wanted)


def cell_x(lon: float, grid: int) -> int:
    return min(max(math.floor((lon + 180.0) / 360.0 * 2**grid), 0), 2**grid - 1)


def cell_y(lat: float, grid: int) -> int:
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0
    return min(max(math.floor(y * 2**grid), 0), 2**grid - 1)


def _lon(x: int, grid: int) -> float:
    return x / 2**grid * 360.0 - 180.0


def _lat(y: int, grid: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / 2**grid))))


def cell_bounds(grid: int, ix: int, iy: int) -> tuple[float, float, float, float]:
    """(minlon, minlat, maxlon, maxlat) of a cell, in WGS84 degrees."""
    return (_lon(ix, grid), _lat(iy + 1, grid), _lon(ix + 1, grid), _lat(iy, grid))


def cell_range(bbox: tuple[float, float, float, float], grid: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the cells of `grid` that cover `bbox` (inclusive indices; y0 is the northern row)."""
    minlon, minlat, maxlon, maxlat = bbox
    return cell_x(minlon, grid), cell_y(maxlat, grid), cell_x(maxlon, grid), cell_y(minlat, grid)


def cells_covering(bbox: tuple[float, float, float, float], zoom: int) -> int:
    """How many cells a map at `zoom` shows for `bbox` (to refuse areas too large for one answer)."""
    x0, y0, x1, y1 = cell_range(bbox, grid_for_zoom(zoom).grid)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def cell_size_degrees(zoom: int, lat: float) -> tuple[float, float]:
    """(width, height) in degrees of the cells a map at `zoom` shows, at latitude `lat` (heights vary with it)."""
    grid = zoom + CELL_GRID_OFFSET
    y = cell_y(lat, grid)
    bounds = cell_bounds(grid, 0, y)
    return bounds[2] - bounds[0], bounds[3] - bounds[1]
