// Build-time step of bin/build_shapes: reads us-atlas's projected county topology and prints, per
// state (keyed by its two-digit Census FIPS code), the state outline and every county's SVG path
// keyed by its five-digit FIPS code, as JSON on stdout. bin/build_shapes maps the state codes to
// USPS codes and writes the data file; the app reads that file and never runs Node.
//
// usage: node build_shapes.cjs NODE_MODULES_DIR MIN_WEIGHT FRAME
//
// Each state is fitted into its own frame whose longer side is FRAME units. The topology is
// simplified as a whole for each state (topojson-simplify; planar triangle areas, since it is
// already projected), so neighbouring counties keep sharing the same border; points whose triangle
// is under MIN_WEIGHT square units of the state's frame are dropped. Coordinates are rounded to
// whole units and written as relative moves: small text, and a state map that fills its box.

"use strict";

const fs = require("fs");
const path = require("path");

const [modulesDir, minWeightArg, frameArg] = process.argv.slice(2);
if (!modulesDir || !minWeightArg || !frameArg) {
  process.stderr.write("usage: node build_shapes.cjs NODE_MODULES_DIR MIN_WEIGHT FRAME\n");
  process.exit(2);
}
const topojson = require(path.join(modulesDir, "topojson-client"));
const simplify = require(path.join(modulesDir, "topojson-simplify"));
const atlasDir = path.join(modulesDir, "us-atlas");
const atlasVersion = JSON.parse(fs.readFileSync(path.join(atlasDir, "package.json"))).version;
const raw = JSON.parse(fs.readFileSync(path.join(atlasDir, "counties-albers-10m.json")));

const minWeight = Number(minWeightArg);
const frame = Number(frameArg);
const weighted = simplify.presimplify(raw, simplify.planarTriangleArea);

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

function bounds(allRings) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of allRings) {
    for (const [x, y] of ring) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return [x0, y0, x1, y1];
}

// One ring as "M x y l dx dy ... z" (closed) or without z (an open line), in whole units. Deltas
// are taken between rounded points so that rounding errors never add up along a border.
function ringPath(ring, toFrame, closed) {
  const points = [];
  for (const point of ring) {
    const [x, y] = toFrame(point);
    const last = points[points.length - 1];
    if (!last || last[0] !== x || last[1] !== y) points.push([x, y]);
  }
  if (closed && points.length > 1) {
    const [first, last] = [points[0], points[points.length - 1]];
    if (first[0] === last[0] && first[1] === last[1]) points.pop();
  }
  if (points.length < (closed ? 3 : 2)) return "";
  let d = `M${points[0][0]} ${points[0][1]}l`;
  const moves = [];
  for (let i = 1; i < points.length; i++) {
    moves.push(`${points[i][0] - points[i - 1][0]} ${points[i][1] - points[i - 1][1]}`);
  }
  // SVG path grammar lets a minus sign separate numbers, so "3 -4" may be written "3-4".
  d += moves.join(" ").replace(/ -/g, "-");
  return closed ? `${d}z` : d;
}

function pathOf(geometry, toFrame, closed = true) {
  return rings(geometry)
    .map((ring) => ringPath(ring, toFrame, closed))
    .join("");
}

const counties = topojson.feature(raw, raw.objects.counties).features;
const states = topojson.feature(raw, raw.objects.states).features;
const byState = new Map();
for (const county of counties) {
  const stateFips = county.id.slice(0, 2);
  if (!byState.has(stateFips)) byState.set(stateFips, []);
  byState.get(stateFips).push(county);
}

const output = { atlas_version: atlasVersion, min_weight: minWeight, frame, states: {} };
for (const state of states.sort((a, b) => a.id.localeCompare(b.id))) {
  const members = (byState.get(state.id) || []).sort((a, b) => a.id.localeCompare(b.id));
  const [x0, y0, x1, y1] = bounds(rings(state.geometry));
  const scale = frame / Math.max(x1 - x0, y1 - y0);
  const toFrame = ([x, y]) => [Math.round((x - x0) * scale), Math.round((y - y0) * scale)];
  // MIN_WEIGHT is a triangle area in this state's frame: the same loss of detail on the page for
  // Rhode Island as for Texas.
  const simplified = simplify.simplify(weighted, minWeight / (scale * scale));
  const shapes = new Map(
    topojson.feature(simplified, simplified.objects.counties).features.map((f) => [f.id, f]),
  );
  const outline = topojson
    .feature(simplified, simplified.objects.states)
    .features.find((f) => f.id === state.id);
  const countyPaths = {};
  for (const county of members) {
    countyPaths[county.id] = [county.properties.name, pathOf(shapes.get(county.id).geometry, toFrame)];
  }
  output.states[state.id] = {
    name: state.properties.name,
    width: Math.round((x1 - x0) * scale),
    height: Math.round((y1 - y0) * scale),
    outline: pathOf(outline.geometry, toFrame),
    counties: countyPaths,
  };
}
process.stdout.write(JSON.stringify(output));
