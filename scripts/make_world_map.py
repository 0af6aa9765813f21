"""Build reports/static/world-110m.paths: the country outlines the dashboard's map draws.

Input: `countries-110m.json` of the npm package world-atlas 2.0.2 (Natural Earth 4.1.0 admin-0 countries at
1:110m, public domain; the TopoJSON packaging is ISC, Copyright 2013-2019 Michael Bostock). Get it with
`npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz`, then
`python scripts/make_world_map.py package/countries-110m.json > reports/static/world-110m.paths`.

Output: one line per country, `<ISO numeric>\\t<name>\\t<SVG path>`, in an equirectangular projection of
360 x 180 units (x = longitude + 180, y = 90 - latitude), coordinates to 0.1 unit: what reports/svg.py's
world_map() scales and crops. Decoding follows the TopoJSON specification (quantized, delta-encoded arcs;
a negative arc index is the reversed arc ~i).
"""

from __future__ import annotations

import json
import sys


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in indexes:
        a = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        pts.extend(a if not pts else a[1:])
    return pts


def path(rings: list[list[tuple[float, float]]]) -> str:
    out = []
    for r in rings:
        xy = [(round(lon + 180, 1), round(90 - lat, 1)) for lon, lat in r]
        if any(abs(a[0] - b[0]) > 180 for a, b in zip(xy, xy[1:])):  # crosses the antimeridian (Fiji, Chukotka):
            xy = [(x + 360 if x < 180 else x, y) for x, y in xy]      # draw it whole past the right edge (clipped)
        dedup = [p for i, p in enumerate(xy) if i == 0 or p != xy[i - 1]]
        if len(dedup) < 3:
            continue
        out.append("M" + " L".join(f"{x:g},{y:g}" for x, y in dedup) + "Z")
    return "".join(out)


def main(src: str) -> None:
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        d = path([ring(arcs, r) for poly in polys for r in poly])
        if d:
            print(f"{g.get('id', '')}\t{g['properties'].get('name', '')}\t{d}")


if __name__ == "__main__":
    main(sys.argv[1])
