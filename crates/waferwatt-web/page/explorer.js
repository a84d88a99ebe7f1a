// The waferwatt explorer. The model is the command line's own code compiled to WebAssembly
// (crates/waferwatt-web); this script only gathers the controls into the command line's options,
// asks the model, and draws what it answers. WASM_BASE64 is set before this script by the
// page's assembler (build-explorer).
"use strict";

const blocked = [];
document.addEventListener("securitypolicyviolation", (e) => blocked.push(e.blockedURI || e.violatedDirective));

// ------------------------------------------------------------------------------------------
// The engine: four exports, JSON in and out through the module's memory.

const Engine = (() => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let module = null;
  let ex = null;
  const VERSION = 1;

  function bytes() {
    const text = atob(WASM_BASE64);
    const b = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) b[i] = text.charCodeAt(i);
    return b;
  }

  // Compiles the model at once, so the page answers as it loads; a browser that will not
  // compile so large a module on its main thread gets it compiled in the background, and
  // `then` runs when it is ready.
  function load(then) {
    const b = bytes();
    try {
      module = new WebAssembly.Module(b);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return WebAssembly.compile(b).then((m) => { module = m; start(); then(); });
    }
    start();
    then();
    return null;
  }

  function start() {
    ex = new WebAssembly.Instance(module, {}).exports;
    if (ex.ww_version() !== VERSION) throw new Error("the page and its model are of different versions");
  }

  // Runs one request ({path, options} or {maps}); answers {ok, answer} or {ok: false, error, keys}.
  function call(request) {
    const bytes = enc.encode(JSON.stringify(request));
    const read = (n) => dec.decode(new Uint8Array(ex.memory.buffer, ex.ww_output() >>> 0, n >>> 0));
    let n;
    try {
      const at = ex.ww_input(bytes.length) >>> 0;
      if (at === 0) return { ok: false, error: "the request is too long", keys: [] };
      // Views of memory are made after each call into the module: growth detaches old ones.
      new Uint8Array(ex.memory.buffer, at, bytes.length).set(bytes);
      n = ex.ww_call();
    } catch (e) {
      // A trap is a bug in the model: its panic's message, then a fresh instance.
      let message = String(e);
      try { message = read(ex.ww_panic()); } catch (_) { /* the message is lost with the instance */ }
      try { start(); } catch (_) { ex = null; }
      return { ok: false, error: "internal error in the model (a bug, please report it): " + message, keys: [] };
    }
    return JSON.parse(read(n));
  }

  return { load, call };
})();

// ------------------------------------------------------------------------------------------
// Formatting.

function sig(v, n = 3) {
  if (!Number.isFinite(v)) return "–";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(n)));
  return v.toExponential(n - 1).replace("e+", "e");
}

function human(v) {
  if (!Number.isFinite(v)) return "–";
  // Rounded first, so that 999.95 M reads 1 bn, not 1000 M.
  const a = Math.abs(Number(v.toPrecision(3)));
  for (const [scale, word] of [[1e12, " tn"], [1e9, " bn"], [1e6, " M"]]) {
    if (a >= scale && a < scale * 1e3) return sig(v / scale) + word;
  }
  if (a >= 1e15) return sig(v);
  if (a >= 1e3) return Math.round(v).toLocaleString("en-US");
  return sig(v);
}

const fmt = {
  usd: (v) => (Number.isFinite(v) ? (v < 0 ? "-$" : "$") + human(Math.abs(v)) : "–"),
  pct: (v) => (Number.isFinite(v) ? (v * 100).toFixed(Math.abs(v) < 0.1 ? 2 : 1) + " %" : "–"),
  num: (v) => human(v),
  sig: (v) => sig(v),
  year: (v) => (Number.isFinite(v) ? String(Math.round(v)) : "–"),
  flop: (v) => (Number.isFinite(v) ? sig(v) + " FLOP" : "–"),
};

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

// ------------------------------------------------------------------------------------------
// The data: every number with its range and source, and the lists of ids.

// numbers by key; each entry's numbers by `kind.id`; sources by id; each kind's ids and names.
const Data = { numbers: new Map(), entries: new Map(), sources: new Map(), lists: {} };

function loadData() {
  const numbers = Engine.call({ path: ["data", "numbers"], options: {} });
  if (!numbers.ok) throw new Error(numbers.error);
  for (const n of numbers.answer) {
    Data.numbers.set(n.key, n);
    const entry = `${n.kind}.${n.id}`;
    if (!Data.entries.has(entry)) Data.entries.set(entry, []);
    Data.entries.get(entry).push(n);
  }
  const sources = Engine.call({ path: ["data", "sources"], options: {} });
  if (sources.ok) for (const s of sources.answer) Data.sources.set(s.id, s);
  for (const kind of ["run", "accelerator", "region", "node", "die", "path"]) {
    const list = Engine.call({ path: ["data", "list", kind], options: {} });
    if (!list.ok) throw new Error(list.error);
    Data.lists[kind] = list.answer.map((e) => [e.id, e.name]);
  }
}

// The range a slider spans: every number whose key matches `pattern`, from the lowest low to the
// highest high, widened by half that span each way (so a reader can go past the data), within
// the quantity's physical bounds.
function span(pattern, lo, hi) {
  let a = Infinity;
  let b = -Infinity;
  for (const [key, n] of Data.numbers) {
    if (pattern.test(key)) {
      a = Math.min(a, n.low);
      b = Math.max(b, n.high);
    }
  }
  if (!Number.isFinite(a)) return [lo, hi];
  const w = b - a;
  const from = w > 0 ? Math.max(lo, a - w / 2) : lo;
  const to = w > 0 ? Math.min(hi, b + w / 2) : hi;
  return [from, to];
}

// A step of about a two-hundredth of the range, rounded to 1, 2 or 5 times a power of ten.
function niceStep(lo, hi) {
  const raw = (hi - lo) / 200;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function sourceLine(key) {
  const n = Data.numbers.get(key);
  if (!n) return "";
  const src = Data.sources.get(n.source);
  const title = src ? `${src.title}${src.url ? " (" + src.url + ")" : ""}` : n.source;
  const range = n.low === n.high ? "fixed" : `${sig(n.low, 4)}–${sig(n.high, 4)}, ${n.dist}`;
  return `<span title="${esc(title + (n.note ? "\n" + n.note : ""))}"><b>${esc(n.key)}</b> = ${sig(n.value, 4)} ${esc(n.unit)} (${esc(range)}); source: ${esc(n.source)}, ${n.year}</span>`;
}

// An entry's numbers in brief: how many, and their sources (`waferwatt data show ID` lists them).
function entryLine(kind, id) {
  const mine = Data.entries.get(`${kind}.${id}`) || [];
  const sources = [...new Set(mine.map((n) => n.source))];
  return `<span title="${esc(mine.map((n) => `${n.key} = ${sig(n.value, 4)} ${n.unit} (${sig(n.low, 4)}–${sig(n.high, 4)})`).join("\n"))}"><b>${esc(kind)}.${esc(id)}</b>: ${mine.length} numbers, from ${esc(sources.join(", "))}</span>`;
}

// ------------------------------------------------------------------------------------------
// SVG drawing.

const SVG = "http://www.w3.org/2000/svg";

function svgEl(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#7f7f7f"];

function chartFrame(w, h, title) {
  const svg = svgEl("svg", { xmlns: SVG, viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: "img" });
  svg.appendChild(svgEl("title", {}, title));
  svg.appendChild(svgEl("rect", { x: 0, y: 0, width: w, height: h, fill: "#fff" }));
  svg.appendChild(svgEl("text", { x: 8, y: 18, "font-size": 13, "font-weight": 600 }, title));
  return svg;
}

function wrapWords(s, width) {
  const lines = [];
  for (const w of s.split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + " " + w).length <= width) lines[lines.length - 1] = last + " " + w;
    else lines.push(w);
  }
  return lines;
}

// Five lines across a linear scale from 0 to `top`, each labelled at the left.
function yGrid(svg, from, to, top, y, format) {
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    svg.appendChild(svgEl("line", { x1: from, x2: to, y1: y(v), y2: y(v), stroke: "#eee" }));
    svg.appendChild(svgEl("text", { x: from - 4, y: y(v) + 4, "font-size": 10, "text-anchor": "end" }, format(v)));
  }
}

// A cost built up item by item from zero, then its total; `top` is the scale's top (shared
// between regions so that their bars compare).
function waterfall(title, items, top) {
  const w = 420;
  const h = 300;
  const left = 56;
  const base = 220;
  const plot = base - 34;
  const svg = chartFrame(w, h, title);
  const n = items.length + 1;
  const cell = (w - left - 10) / n;
  const y = (v) => base - (v / top) * plot;
  yGrid(svg, left, w - 10, top, y, fmt.usd);
  let run = 0;
  const total = items.reduce((s, i) => s + Math.max(0, i[1]), 0);
  items.concat([["total", total]]).forEach(([name, v], k) => {
    const isTotal = k === items.length;
    const from = isTotal ? 0 : run;
    const to = isTotal ? total : run + Math.max(0, v);
    const x = left + k * cell + cell * 0.12;
    const r = svgEl("rect", {
      x, y: y(to), width: cell * 0.76, height: Math.max(0.5, y(from) - y(to)),
      fill: isTotal ? "#404040" : PALETTE[k % PALETTE.length],
    });
    r.appendChild(svgEl("title", {}, `${name}: ${fmt.usd(v)} (${fmt.pct(total > 0 ? v / total : 0)})`));
    svg.appendChild(r);
    svg.appendChild(svgEl("text", { x: x + cell * 0.38, y: y(to) - 3, "font-size": 10, "text-anchor": "middle" },
      isTotal ? fmt.usd(total) : fmt.pct(total > 0 ? v / total : 0)));
    wrapWords(name, 12).slice(0, 3).forEach((line, l) => {
      svg.appendChild(svgEl("text", { x: x + cell * 0.38, y: base + 14 + 12 * l, "font-size": 10, "text-anchor": "middle" }, line));
    });
    if (!isTotal) run = to;
  });
  return svg;
}

// Horizontal bars of a share (0..1) per label.
function shareBars(title, rows) {
  const w = 420;
  const h = 40 + 26 * rows.length;
  const left = 120;
  const svg = chartFrame(w, h, title);
  const x = (v) => left + v * (w - left - 60);
  rows.forEach(([label, v], k) => {
    const yy = 32 + k * 26;
    svg.appendChild(svgEl("text", { x: left - 6, y: yy + 13, "font-size": 11, "text-anchor": "end" }, label));
    svg.appendChild(svgEl("rect", { x: left, y: yy, width: w - left - 60, height: 18, fill: "#eef2f7" }));
    svg.appendChild(svgEl("rect", { x: left, y: yy, width: Math.max(0, x(Math.min(1, v)) - left), height: 18, fill: PALETTE[1] }));
    svg.appendChild(svgEl("text", { x: x(Math.min(1, v)) + 4, y: yy + 13, "font-size": 11 }, fmt.pct(v)));
  });
  return svg;
}

// Vertical bars, one per label, from zero.
function bars(title, rows, format) {
  const w = 420;
  const h = 260;
  const left = 64;
  const base = 200;
  const svg = chartFrame(w, h, title);
  const top = Math.max(...rows.map((r) => r[1]).filter(Number.isFinite), 0) * 1.15 || 1;
  const cell = (w - left - 10) / Math.max(1, rows.length);
  const y = (v) => base - (v / top) * (base - 34);
  yGrid(svg, left, w - 10, top, y, format);
  rows.forEach(([label, v], k) => {
    const x = left + k * cell + cell * 0.15;
    const vv = Number.isFinite(v) ? Math.max(0, v) : 0;
    svg.appendChild(svgEl("rect", { x, y: y(vv), width: cell * 0.7, height: base - y(vv), fill: PALETTE[k % PALETTE.length] }));
    svg.appendChild(svgEl("text", { x: x + cell * 0.35, y: y(vv) - 3, "font-size": 10, "text-anchor": "middle" }, format(v)));
    svg.appendChild(svgEl("text", { x: x + cell * 0.35, y: base + 14, "font-size": 10, "text-anchor": "middle" }, label));
  });
  return svg;
}

let mapsDrawn = 0;

// A wafer map from the model's placement: whole dies good or defective, partial dies at the edge.
function waferMap(map, title) {
  const size = 360;
  const h = size + 80;
  const svg = chartFrame(size, h, title);
  const scale = (size - 40) / map.wafer_mm;
  const c = size / 2 + 10;
  const px = (v) => c + v * scale;
  const py = (v) => c - v * scale;
  const r = (map.wafer_mm / 2) * scale;
  const colour = { good: "#4c9a5b", defective: "#d9534f", partial: "#c9c9cf" };
  // The clip's id is unique in the page and counted, not random: a page drawn the same way
  // exports the same SVG.
  const clip = svgEl("clipPath", { id: `wafer-clip-${++mapsDrawn}` });
  clip.appendChild(svgEl("circle", { cx: c, cy: c, r }));
  svg.appendChild(clip);
  svg.appendChild(svgEl("circle", { cx: c, cy: c, r, fill: "#e8e8ec" }));
  const g = svgEl("g", { "clip-path": `url(#${clip.id})` });
  // One path per kind of die (a die a square of it): a wafer of small dies draws three
  // elements, not thousands.
  const [dw, dh] = map.die_mm;
  const paths = { good: [], defective: [], partial: [] };
  for (const [x, y, kind] of map.dies) {
    paths[kind].push(`M${px(x).toFixed(2)} ${py(y + dh).toFixed(2)}h${(dw * scale).toFixed(2)}v${(dh * scale).toFixed(2)}h${(-dw * scale).toFixed(2)}z`);
  }
  for (const [kind, d] of Object.entries(paths)) {
    if (d.length) g.appendChild(svgEl("path", { d: d.join(""), fill: colour[kind], stroke: "#fff", "stroke-width": 0.6, "data-kind": kind, "data-dies": d.length }));
  }
  svg.appendChild(g);
  svg.appendChild(svgEl("circle", { cx: c, cy: c, r, fill: "none", stroke: "#555", "stroke-width": 1.5 }));
  svg.appendChild(svgEl("circle", { cx: c, cy: c, r: (map.usable_mm / 2) * scale, fill: "none", stroke: "#222", "stroke-dasharray": "3 3" }));
  map.legend.forEach((l, k) => {
    const yy = size + 22 + 16 * k;
    svg.appendChild(svgEl("rect", { x: 10, y: yy - 9, width: 10, height: 10, fill: colour[l.kind] }));
    svg.appendChild(svgEl("text", { x: 26, y: yy, "font-size": 10 }, l.text));
  });
  return svg;
}

// Each path's p50 as a line and its p5–p95 as a band, by year, on a log scale.
function fanChart(title, years, series) {
  const w = 640;
  const h = 340;
  const left = 70;
  const right = 130;
  const top = 34;
  const base = h - 36;
  const svg = chartFrame(w, h, title);
  const all = series.flatMap((s) => s.points.flatMap((p) => [p.p5, p.p50, p.p95])).filter((v) => v > 0 && Number.isFinite(v));
  const elo = Math.floor(Math.log10(Math.min(...all, 1e30)));
  const ehi = Math.max(elo + 1, Math.ceil(Math.log10(Math.max(...all, 1))));
  const lo = Math.pow(10, elo);
  const hi = Math.pow(10, ehi);
  const x = (yr) => left + ((yr - years[0]) / Math.max(1, years[years.length - 1] - years[0])) * (w - left - right);
  const y = (v) => base - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (base - top);
  for (let e = elo; e <= ehi; e++) {
    svg.appendChild(svgEl("line", { x1: left, x2: w - right, y1: y(10 ** e), y2: y(10 ** e), stroke: "#eee" }));
    svg.appendChild(svgEl("text", { x: left - 4, y: y(10 ** e) + 4, "font-size": 10, "text-anchor": "end" }, `1e${e}`));
  }
  years.forEach((yr, k) => {
    if (k % 2 === 0 || years.length < 10) {
      svg.appendChild(svgEl("text", { x: x(yr), y: base + 16, "font-size": 10, "text-anchor": "middle" }, yr));
    }
  });
  // Each path's name at its last p50, moved apart where two would overlap.
  const labels = series.map((s, k) => ({ k, y: y(s.points[s.points.length - 1].p50) + 4 })).sort((a, b) => a.y - b.y);
  labels.forEach((l, i) => { if (i > 0 && l.y - labels[i - 1].y < 13) l.y = labels[i - 1].y + 13; });
  series.forEach((s, k) => {
    const col = PALETTE[k % PALETTE.length];
    const band = s.points.map((p, i) => `${x(years[i])},${y(p.p95)}`)
      .concat(s.points.map((p, i) => `${x(years[i])},${y(p.p5)}`).reverse());
    svg.appendChild(svgEl("polygon", { points: band.join(" "), fill: col, "fill-opacity": 0.18 }));
    svg.appendChild(svgEl("polyline", { points: s.points.map((p, i) => `${x(years[i])},${y(p.p50)}`).join(" "), fill: "none", stroke: col, "stroke-width": 2 }));
    svg.appendChild(svgEl("text", { x: w - right + 6, y: labels.find((l) => l.k === k).y, "font-size": 11, fill: col }, s.name));
  });
  return svg;
}

// One-at-a-time swings around the central value, the largest on top.
function tornadoChart(title, centre, swings) {
  const w = 640;
  const left = 260;
  const h = 50 + 22 * swings.length;
  const svg = chartFrame(w, h, title);
  const values = swings.flatMap((s) => [s.at_low, s.at_high]).concat([centre]);
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) { lo -= 1; hi += 1; }
  const x = (v) => left + ((v - lo) / (hi - lo)) * (w - left - 20);
  swings.forEach((s, k) => {
    const yy = 34 + 22 * k;
    svg.appendChild(svgEl("text", { x: left - 6, y: yy + 12, "font-size": 10, "text-anchor": "end" }, s.parameter));
    for (const [v, at, col] of [[s.at_low, s.low, "#1f4e79"], [s.at_high, s.high, "#9dc3e6"]]) {
      const r = svgEl("rect", { x: Math.min(x(v), x(centre)), y: yy, width: Math.max(0.5, Math.abs(x(v) - x(centre))), height: 16, fill: col });
      r.appendChild(svgEl("title", {}, `${s.parameter} at ${sig(at, 4)} ${s.unit}: ${sig(v)}`));
      svg.appendChild(r);
    }
  });
  svg.appendChild(svgEl("line", { x1: x(centre), x2: x(centre), y1: 28, y2: h - 10, stroke: "#000" }));
  return svg;
}

function download(name, type, text) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 0);
}

function svgText(svg) {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
}

// ------------------------------------------------------------------------------------------
// Controls. A slider's value is null while it follows the data, else the text of its value,
// which goes to the model as written.

function sliderControl(def) {
  return Object.assign({ kind: "slider", format: (v) => sig(v, 4) }, def);
}

const SECTIONS = {
  train: {
    prefix: "t",
    command: ["train"],
    controls: [
      { kind: "choice", id: "run", label: "Training run", list: "run", initial: "llama-3.1-405b", option: "run",
        keys: (s) => ["accelerator_hours", "tokens", "params_active"].map((f) => `run.${s.run}.${f}`),
        note: "A published run: its hours, tokens, parameters and hardware." },
      { kind: "choice", id: "accelerator", label: "Accelerator", list: "accelerator", initial: "", blank: "the run's own", option: "accelerator",
        keys: (s) => (s.accelerator ? ["price_usd", "tdp_w", "bf16_tflops"].map((f) => `accelerator.${s.accelerator}.${f}`) : []),
        note: "Another accelerator keeps the run's published hours (its MFU then follows) until the MFU is set." },
      { kind: "multi", id: "region", label: "Regions", list: "region", initial: ["us-va", "us-ca", "cn-nm"], option: "region", entries: true,
        note: "Virginia and California against Inner Mongolia: the commentary's comparison." },
      sliderControl({ id: "tariff", label: "Electricity tariff", unit: "USD/kWh", option: "tariff_usd_per_kwh",
        range: () => span(/^region\.[^.]+\.tariff_usd_per_kwh$/, 0, Infinity),
        keys: (s) => s.region.map((r) => `region.${r}.tariff_usd_per_kwh`).concat(s.region.map((r) => `region.${r}.energy_cny_per_kwh`)),
        used: (a) => a[0].tariff_usd_per_kwh, note: "Each region's own until set; set, it is every region's." }),
      sliderControl({ id: "pue", label: "PUE", unit: "ratio", option: "pue",
        range: () => span(/^(region|facility)\.[^.]+\.pue$/, 1, Infinity),
        keys: (s) => s.region.map((r) => `region.${r}.pue`), used: (a) => a[0].pue }),
      sliderControl({ id: "mfu", label: "Utilisation (MFU)", unit: "fraction", option: "mfu",
        range: () => span(/^training\.mfu$/, 0.01, 1),
        keys: () => ["training.mfu"], used: (a) => a[0].mfu, note: "A run's published hours set its MFU until this is set." }),
      sliderControl({ id: "life", label: "Hardware life", unit: "years", set: "ownership.hardware_life_years",
        range: () => span(/^ownership\.hardware_life_years$/, 0.5, 30), keys: () => ["ownership.hardware_life_years"] }),
      sliderControl({ id: "coc", label: "Cost of capital", unit: "fraction/year", set: "ownership.cost_of_capital",
        range: () => span(/^ownership\.cost_of_capital$/, 0, 1), keys: () => ["ownership.cost_of_capital"] }),
    ],
    render: renderTrain,
  },
  wafer: {
    prefix: "w",
    command: ["wafer"],
    controls: [
      { kind: "multi", id: "node", label: "Process nodes", list: "node", initial: ["n7-smic", "n7-euv", "n5"], option: "node", join: true, entries: true,
        note: "SMIC's DUV-only N+2 against TSMC-class 7 nm with EUV and 5 nm." },
      { kind: "choice", id: "die", label: "Die", list: "die", initial: "ascend-910b", option: "die",
        keys: (s) => [`die.${s.die}.width_mm`, `die.${s.die}.height_mm`] },
      sliderControl({ id: "area", label: "Die area (square die)", unit: "mm²", option: "die_area",
        range: () => dieRange(), keys: (s) => [`die.${s.die}.width_mm`, `die.${s.die}.height_mm`],
        used: (a) => a[0].die_area_mm2, note: "Replaces the die above while set." }),
      sliderControl({ id: "d0", label: "Defect density D0", unit: "per cm²", option: "d0",
        range: () => span(/^node\.[^.]+\.d0_per_cm2$/, 0, Infinity),
        keys: (s) => s.node.map((n) => `node.${n}.d0_per_cm2`), used: (a) => a[0].d0_per_cm2,
        note: "Each node's own (with its schemes' adders) until set; set, it is every node's." }),
    ],
    render: renderWafer,
  },
  strategy: {
    prefix: "s",
    command: ["strategy"],
    controls: [
      sliderControl({ id: "budget", label: "Yearly budget", unit: "USD/year", set: "strategy.budget_usd", format: fmt.usd,
        range: () => span(/^strategy\.budget_usd$/, 0, Infinity), keys: () => ["strategy.budget_usd"] }),
      sliderControl({ id: "rd", label: "R&D share of the budget (EUV first)", unit: "fraction", set: "path.euv-first.rd_share", format: fmt.pct,
        range: () => [0, 1], keys: () => ["path.euv-first.rd_share"] }),
      sliderControl({ id: "euv", label: "EUV arrives in", unit: "year", option: "euv_year", format: fmt.year,
        range: () => [Data.numbers.get("strategy.start_year").value, Data.numbers.get("strategy.end_year").value],
        step: 1, keys: () => ["strategy.euv_earliest_year", "strategy.euv_natural_years"], used: euvArrival,
        note: "Unset, the programme's own pace decides; set, a what-if for every path that pursues EUV." }),
      { kind: "choice", id: "samples", label: "Samples (the fan's bands)", choices: [["0", "none: central values"], ["100", "100"], ["200", "200"], ["300", "300"]],
        initial: "200", option: "samples", note: "Each uncertain number drawn from its range; seed 1." },
    ],
    render: renderStrategy,
  },
};

// When EUV arrives on the path that pursues it, as the model worked it out (the p50 when sampled).
function euvArrival(a) {
  for (const p of Object.values(a[0].paths)) {
    const e = p.euv_arrival;
    if (typeof e === "number") return e;
    if (e && typeof e === "object" && e.p50 !== undefined) return e.p50;
  }
  return NaN;
}

// The die-area slider: from half the smallest die in the data to the reticle's field.
function dieRange() {
  let smallest = Infinity;
  for (const [id] of Data.lists.die) {
    const w = Data.numbers.get(`die.${id}.width_mm`);
    const h = Data.numbers.get(`die.${id}.height_mm`);
    if (w && h) smallest = Math.min(smallest, w.low * h.low);
  }
  const rw = Data.numbers.get("fab.reticle_width_mm").value;
  const rh = Data.numbers.get("fab.reticle_height_mm").value;
  return [Math.floor(smallest / 2), rw * rh];
}

// The command line's options for a section's state.
function options(name, st) {
  const sec = SECTIONS[name];
  const o = {};
  const sets = [];
  for (const c of sec.controls) {
    const v = st[c.id];
    if (v === null || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    if (c.set) sets.push(`${c.set}=${v}`);
    else if (c.join) o[c.option] = v.join(",");
    else o[c.option] = v;
  }
  if (name === "wafer" && st.area !== null) delete o.die;
  if (name === "strategy") {
    if (o.samples === "0") delete o.samples;
    else o.seed = "1";
    // The drivers (two runs per uncertain number) come on request, not with every move.
    o.drivers = "off";
  }
  if (sets.length) o.set = sets;
  return o;
}

function commandLine(name, st) {
  const o = options(name, st);
  const words = ["waferwatt", ...SECTIONS[name].command];
  for (const [k, v] of Object.entries(o)) {
    for (const one of Array.isArray(v) && k === "set" ? v : [Array.isArray(v) ? v.join(",") : v]) {
      words.push(`--${k.replace(/_/g, "-")}=${one}`);
    }
  }
  return words.join(" ");
}

// ------------------------------------------------------------------------------------------
// State, and the address that holds it.

const State = {};

function initialState() {
  for (const [name, sec] of Object.entries(SECTIONS)) {
    State[name] = {};
    for (const c of sec.controls) State[name][c.id] = c.kind === "slider" ? null : structuredClone(c.initial);
  }
}

function choicesOf(c) {
  return c.choices || Data.lists[c.list];
}

// Reads the address's state (`#t.run=…&t.region=us-va,cn-nm&t.tariff=0.12`); what it cannot
// take is listed, not silently dropped.
function readHash() {
  const problems = [];
  const params = new URLSearchParams(location.hash.slice(1));
  for (const [key, value] of params) {
    const parts = key.split(".");
    const [prefix, id] = parts;
    const name = parts.length === 2 && Object.keys(SECTIONS).find((n) => SECTIONS[n].prefix === prefix);
    const c = name && SECTIONS[name].controls.find((c) => c.id === id);
    if (!c) { problems.push(`${key} is not a control`); continue; }
    const ids = c.kind !== "slider" ? choicesOf(c).map((x) => x[0]) : null;
    if (c.kind === "slider") {
      // A decimal number only, written back as JavaScript writes it (so ` 0.1` or `0x10`,
      // which the command line would refuse, is not taken as given).
      const x = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(x)) problems.push(`${key}=${value} is not a number`);
      else State[name][id] = String(x);
    } else if (c.kind === "multi") {
      const list = [...new Set(value === "" ? [] : value.split(","))];
      const bad = list.filter((v) => !ids.includes(v));
      if (bad.length) problems.push(`${key}: no ${bad.join(", ")} in the data`);
      const good = list.filter((v) => ids.includes(v));
      if (good.length) State[name][id] = good;
      else problems.push(`${key}: none to show, so the page's own`);
    } else if (ids.includes(value) || (c.blank && value === "")) {
      State[name][id] = value;
    } else {
      problems.push(`${key}: no ${value} in the data`);
    }
  }
  return problems;
}

let hashTimer = 0;

// The address follows the state a moment after the last change: browsers refuse (Safari,
// Firefox) or drop (Chromium) a rewrite on every event of a dragged slider.
function scheduleHash() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(writeHash, 250);
}

function writeHash() {
  clearTimeout(hashTimer);
  const params = new URLSearchParams();
  for (const [name, sec] of Object.entries(SECTIONS)) {
    for (const c of sec.controls) {
      const v = State[name][c.id];
      const same = JSON.stringify(v) === JSON.stringify(c.kind === "slider" ? null : c.initial);
      if (!same) params.set(`${sec.prefix}.${c.id}`, Array.isArray(v) ? v.join(",") : v === null ? "" : v);
    }
  }
  const text = [...params].map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ",")}`).join("&");
  try {
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  } catch (_) {
    // Too many rewrites: the next change writes it.
  }
}

// ------------------------------------------------------------------------------------------
// Building the controls.

function buildControls(name) {
  const sec = SECTIONS[name];
  const form = document.querySelector(`#${name} .controls`);
  form.addEventListener("submit", (e) => e.preventDefault());
  for (const c of sec.controls) {
    const box = document.createElement("div");
    box.className = "control";
    box.dataset.control = c.id;
    const inputId = `${name}-${c.id}`;
    if (c.kind === "choice") {
      const opts = (c.blank !== undefined ? [["", c.blank]] : []).concat(choicesOf(c));
      box.innerHTML = `<label class="name" for="${inputId}">${esc(c.label)}</label><select id="${inputId}">${opts
        .map(([id, label]) => `<option value="${esc(id)}">${esc(id ? `${label}` : label)}</option>`).join("")}</select>`;
      const sel = box.querySelector("select");
      sel.value = State[name][c.id];
      sel.addEventListener("change", () => { State[name][c.id] = sel.value; changed(name); });
    } else if (c.kind === "multi") {
      box.innerHTML = `<span class="name"><b>${esc(c.label)}</b></span><div class="choices">${choicesOf(c)
        .map(([id, label]) => `<label title="${esc(label)}"><input type="checkbox" value="${esc(id)}"> ${esc(id)}</label>`).join("")}</div>`;
      for (const cb of box.querySelectorAll("input")) {
        cb.checked = State[name][c.id].includes(cb.value);
        cb.addEventListener("change", () => {
          State[name][c.id] = [...box.querySelectorAll("input:checked")].map((x) => x.value);
          changed(name);
        });
      }
    } else {
      const [lo, hi] = c.range();
      const step = c.step || niceStep(lo, hi);
      c.bounds = [lo, hi, step];
      box.innerHTML = `<label class="name" for="${inputId}">${esc(c.label)} <span><output></output><button type="button" class="reset" title="back to the data's value">data</button></span></label>
        <input type="range" id="${inputId}" min="${lo}" max="${hi}" step="${step}">
        <div class="scale note">${c.format(lo)} … ${c.format(hi)} ${c.unit === "fraction" || c.unit === "year" || c.unit.startsWith("USD/y") ? "" : esc(c.unit)}</div>`;
      const input = box.querySelector("input");
      input.addEventListener("input", () => { State[name][c.id] = input.value; changed(name); });
      box.querySelector("button").addEventListener("click", () => { State[name][c.id] = null; changed(name); });
    }
    const src = document.createElement("div");
    src.className = "source";
    box.appendChild(src);
    if (c.note) {
      const p = document.createElement("div");
      p.className = "note";
      p.textContent = c.note;
      box.appendChild(p);
    }
    form.appendChild(box);
  }
}

// Shows each control's value, the data behind it and its source.
function showControls(name, answer) {
  const sec = SECTIONS[name];
  const st = State[name];
  for (const c of sec.controls) {
    const box = document.querySelector(`#${name} [data-control="${c.id}"]`);
    if (c.kind === "slider") {
      const input = box.querySelector("input");
      const set = st[c.id] !== null;
      let v = set ? Number(st[c.id]) : NaN;
      if (!set) {
        if (c.used && answer) v = c.used(answer);
        else if (!c.used) {
          const n = Data.numbers.get(c.keys(st)[0]);
          v = n ? n.value : NaN;
        }
      }
      if (Number.isFinite(v) && document.activeElement !== input) input.value = String(v);
      box.classList.toggle("set", set);
      box.querySelector("output").textContent = Number.isFinite(v) ? c.format(v) : set ? st[c.id] : "the model's own";
      box.querySelector("button").disabled = !set;
    } else if (c.kind === "choice") {
      box.querySelector("select").value = st[c.id];
    } else {
      for (const cb of box.querySelectorAll("input")) cb.checked = st[c.id].includes(cb.value);
    }
    const keys = c.keys ? c.keys(st).filter((k) => Data.numbers.has(k)) : [];
    const lines = keys.map(sourceLine).concat(c.entries ? st[c.id].map((id) => entryLine(c.list, id)) : []);
    box.querySelector(".source").innerHTML = lines.join("<br>");
  }
}

// ------------------------------------------------------------------------------------------
// Updating: a change asks the model once per frame; `flush` runs what is pending at once.

const pending = new Set();
let frame = 0;
const timings = {};

function changed(name) {
  pending.add(name);
  if (!frame) frame = requestAnimationFrame(flush);
  scheduleHash();
}

function flush() {
  if (frame) cancelAnimationFrame(frame);
  frame = 0;
  for (const name of [...pending]) {
    pending.delete(name);
    update(name);
  }
}

const Answers = {};

function update(name) {
  const sec = SECTIONS[name];
  const results = document.querySelector(`#${name} .results`);
  const t0 = performance.now();
  const opts = options(name, State[name]);
  // A list left empty would give the command line's own default, which no box shows.
  const empty = sec.controls.find((c) => c.kind === "multi" && State[name][c.id].length === 0);
  const got = empty
    ? { ok: false, error: `Tick at least one of ${empty.label.toLowerCase()}.`, keys: [] }
    : Engine.call({ path: sec.command, options: opts });
  let maps = null;
  if (got.ok && name === "wafer") maps = Engine.call({ maps: opts });
  const ms = performance.now() - t0;
  timings[name] = ms;
  results.replaceChildren();
  const cli = document.createElement("p");
  cli.className = "cli";
  cli.textContent = "the command line: " + commandLine(name, State[name]);
  if (!got.ok) {
    Answers[name] = null;
    const box = document.createElement("pre");
    box.className = "error-box";
    box.textContent = got.error;
    results.append(box, cli);
    showControls(name, null);
    return;
  }
  const answer = Array.isArray(got.answer) ? got.answer : got.answer.results && got.answer.uncertainty ? got.answer.results : [got.answer];
  Answers[name] = { rows: answer, maps: maps && maps.ok ? maps.answer : null, table: [] };
  try {
    sec.render(results, Answers[name], maps);
  } catch (e) {
    results.replaceChildren();
    const box = document.createElement("pre");
    box.className = "error-box";
    box.textContent = "The page could not draw this answer (a bug, please report it): " + e;
    results.append(box);
  }
  const took = document.createElement("p");
  took.className = "took";
  took.textContent = `computed in this page in ${ms.toFixed(1)} ms`;
  results.append(cli, took);
  showControls(name, answer);
}

// A table of figures: a row per figure, a column per region, node or path; each cell carries its
// exact value (data-value) for the CSV and the tests.
function figureTable(caption, columns, rows, answer) {
  const t = document.createElement("table");
  t.className = "figures";
  t.innerHTML = `<caption>${esc(caption)}</caption><thead><tr><th>figure</th>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead>`;
  const body = document.createElement("tbody");
  for (const [label, key, values, format] of rows) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${esc(label)}</td>`;
    values.forEach((v, i) => {
      const td = document.createElement("td");
      td.dataset.figure = key;
      td.dataset.col = columns[i];
      if (typeof v === "number") {
        td.dataset.value = String(v);
        td.textContent = format(v);
      } else {
        td.dataset.text = v === null || v === undefined ? "" : String(v);
        td.textContent = v === null || v === undefined ? "–" : String(v);
      }
      tr.appendChild(td);
      answer.table.push([key, columns[i], v]);
    });
    body.appendChild(tr);
  }
  t.appendChild(body);
  const wrap = document.createElement("div");
  wrap.className = "scroll";
  wrap.appendChild(t);
  return wrap;
}

// The CSV the section's button downloads.
function csvText(name) {
  return Answers[name] ? csvOf(Answers[name], Answers[name].what) : "";
}

function csvOf(answer, what) {
  const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [["figure", what, "value"].join(",")]
    .concat(answer.table.map(([k, col, v]) => [q(k), q(col), v === null || v === undefined ? "" : q(String(v))].join(",")))
    .join("\n") + "\n";
}

function exportsBar(name, what, charts) {
  const bar = document.createElement("div");
  bar.className = "exports";
  const csv = document.createElement("button");
  csv.type = "button";
  csv.textContent = "figures as CSV";
  Answers[name].what = what;
  csv.addEventListener("click", () => download(`waferwatt-${name}.csv`, "text/csv", csvText(name)));
  bar.appendChild(csv);
  charts.forEach(([label, svg]) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = `${label} as SVG`;
    b.addEventListener("click", () => download(`waferwatt-${name}-${label.replace(/\W+/g, "-")}.svg`, "image/svg+xml", svgText(svg)));
    bar.appendChild(b);
  });
  return bar;
}

function figure(svg, caption) {
  const f = document.createElement("figure");
  f.className = "chart";
  const c = document.createElement("figcaption");
  c.textContent = caption;
  f.append(svg, c);
  return f;
}

function notes(list) {
  const p = document.createElement("div");
  p.className = "note";
  for (const n of list || []) {
    const d = document.createElement("p");
    d.textContent = "Note: " + n;
    p.appendChild(d);
  }
  return p;
}

// ------------------------------------------------------------------------------------------
// The three sections.

function ledgerItem(r, item) {
  const it = (r.ledger || []).find((l) => l.item === item);
  return it ? it : { usd: 0, share: 0 };
}

function renderTrain(results, answer) {
  const rows = answer.rows;
  const cols = rows.map((r) => r.region);
  const largest = rows.map((r) => [...r.ledger].sort((a, b) => b.usd - a.usd)[0]);
  const table = figureTable(`${rows[0].run || rows[0].accelerator}: the run's cost by region`, cols, [
    ["total cost", "total_usd", rows.map((r) => r.total_usd), fmt.usd],
    ["electricity", "ledger.electricity.usd", rows.map((r) => ledgerItem(r, "electricity").usd), fmt.usd],
    ["electricity's share of the cost", "ledger.electricity.share", rows.map((r) => ledgerItem(r, "electricity").share), fmt.pct],
    ["largest item", "largest_item", largest.map((l) => l.item), null],
    ["largest item's share", "largest_item.share", largest.map((l) => l.share), fmt.pct],
    ["cost per accelerator-hour", "usd_per_accelerator_hour", rows.map((r) => r.usd_per_accelerator_hour), (v) => "$" + sig(v)],
    ["accelerator-hours", "accelerator_hours", rows.map((r) => r.accelerator_hours), fmt.num],
    ["wall-clock days", "wall_days", rows.map((r) => r.wall_days), fmt.sig],
    ["energy (MWh)", "energy_mwh", rows.map((r) => r.energy_mwh), fmt.num],
    ["tariff (USD/kWh)", "tariff_usd_per_kwh", rows.map((r) => r.tariff_usd_per_kwh), (v) => sig(v, 3)],
    ["PUE", "pue", rows.map((r) => r.pue), (v) => sig(v, 3)],
    ["MFU", "mfu", rows.map((r) => r.mfu), fmt.pct],
    ["emissions (tCO2e)", "emissions_tco2e", rows.map((r) => r.emissions_tco2e), fmt.num],
    ["renting the hours instead", "rental_usd", rows.map((r) => r.rental_usd), fmt.usd],
  ], answer);
  const top = Math.max(...rows.map((r) => r.total_usd)) * 1.12;
  const falls = rows.map((r) => waterfall(`${r.region}: ${fmt.usd(r.total_usd)}`, r.ledger.map((l) => [l.item, l.usd]), top));
  const share = shareBars("electricity's share of the cost", rows.map((r) => [r.region, ledgerItem(r, "electricity").share]));
  const charts = document.createElement("div");
  charts.className = "charts";
  falls.forEach((svg, i) => charts.appendChild(figure(svg, `The ledger in ${rows[i].region}, item by item (same scale in every region).`)));
  charts.appendChild(figure(share, "Electricity against everything else: the commentary calls it the largest cost of training."));
  results.append(table, exportsBar("train", "region", falls.map((s, i) => [`waterfall ${cols[i]}`, s]).concat([["energy share", share]])), charts,
    notes([...new Set(rows.flatMap((r) => r.notes || []))]));
}

function renderWafer(results, answer, maps) {
  const rows = answer.rows;
  const cols = rows.map((r) => r.node);
  const euv = (r) => (r.exposures && r.exposures.euv) || 0;
  const table = figureTable(`${rows[0].die}`, cols, [
    ["wafer cost", "wafer_cost_usd", rows.map((r) => r.wafer_cost_usd), fmt.usd],
    ["wafer price", "wafer_price_usd", rows.map((r) => r.wafer_price_usd), fmt.usd],
    ["lithography per wafer", "litho_usd", rows.map((r) => r.litho_usd), fmt.usd],
    ["EUV exposures", "exposures.euv", rows.map(euv), fmt.sig],
    ["masks", "masks", rows.map((r) => r.masks), fmt.sig],
    ["scanner-hours per wafer", "scanner_hours", rows.map((r) => r.scanner_hours), fmt.sig],
    ["D0 (per cm²)", "d0_per_cm2", rows.map((r) => r.d0_per_cm2), fmt.sig],
    ["gross dies", "gross_dies", rows.map((r) => r.gross_dies), fmt.sig],
    ["die yield", "die_yield", rows.map((r) => r.die_yield), fmt.pct],
    ["good dies", "good_dies", rows.map((r) => r.good_dies), fmt.sig],
    ["cost per good die", "cost_per_good_die_usd", rows.map((r) => r.cost_per_good_die_usd), fmt.usd],
    ["price per good die", "price_per_good_die_usd", rows.map((r) => r.price_per_good_die_usd), fmt.usd],
  ], answer);
  const chart = bars("cost per good die", rows.map((r) => [r.node, r.cost_per_good_die_usd]), fmt.usd);
  const charts = document.createElement("div");
  charts.className = "charts";
  charts.appendChild(figure(chart, "Cost per good die, node by node: the wafer's cost over the dies that work."));
  const mapSvgs = (answer.maps || []).map((m, i) => waferMap(m, `wafer map: ${cols[i]}`));
  mapSvgs.forEach((svg, i) => charts.appendChild(figure(svg, `${answer.maps[i].title}. ${answer.maps[i].footnote}. Each whole die is good or defective in the proportion the expected yield gives.`)));
  if (maps && !maps.ok) {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = "No wafer map: " + maps.error;
    charts.appendChild(p);
  }
  results.append(table, exportsBar("wafer", "node", [["cost per good die", chart]].concat(mapSvgs.map((s, i) => [`map ${cols[i]}`, s]))), charts,
    notes([...new Set(rows.flatMap((r) => r.notes || []))]));
}

function pct3(v) {
  return typeof v === "object" && v !== null ? v : { p5: v, p50: v, p95: v };
}

function renderStrategy(results, answer) {
  const a = answer.rows[0];
  const names = Object.keys(a.paths);
  const last = a.years.length - 1;
  const end = a.years[last];
  const series = names.map((n) => ({ name: a.paths[n].name, points: a.paths[n].cumulative_compute_flop.map(pct3) }));
  const at = (n) => pct3(a.paths[n].cumulative_compute_flop[last]);
  const arrival = (n) => a.paths[n].euv_arrival;
  const arrivalYear = (n) => {
    const e = arrival(n);
    return e === null ? null : typeof e === "object" ? (e.p50 === undefined ? null : e.p50) : e;
  };
  const lead = (n) => (a.samples && a.p_lead ? a.p_lead[n][last] : null);
  // The break-even year; where there is none, why (central values: "never behind" …).
  const be = (n) => {
    const b = a.break_even_year && a.break_even_year[n];
    if (!b) return null;
    if (b.year === null && b.status) return b.status.replace(/_/g, " ");
    return b.year;
  };
  const table = figureTable(`${a.accelerator} on ${a.duv_node} in ${a.region}: cumulative compute by ${end}`, names, [
    [`cumulative compute by ${end} (p50)`, "cumulative_compute_flop.p50", names.map((n) => at(n).p50), fmt.flop],
    ["… p5", "cumulative_compute_flop.p5", names.map((n) => at(n).p5), fmt.flop],
    ["… p95", "cumulative_compute_flop.p95", names.map((n) => at(n).p95), fmt.flop],
    ["R&D share before EUV", "rd_share", names.map((n) => a.paths[n].rd_share), fmt.pct],
    ["EUV arrives (p50)", "euv_arrival.p50", names.map((n) => { const y = arrivalYear(n); return y === null ? "never" : y; }), fmt.year],
    [`chance of leading in ${end}`, "p_lead", names.map((n) => { const v = lead(n); return v === null ? "not sampled" : v; }), fmt.pct],
    ["break-even year (p50)", "break_even_year.p50", names.map((n) => {
      const y = be(n);
      return y === null ? "–" : typeof y === "number" || typeof y === "string" ? y : y.p50 === undefined ? "–" : y.p50;
    }), fmt.year],
  ], answer);
  const more = document.createElement("div");
  const ask = document.createElement("button");
  ask.type = "button";
  ask.className = "drivers";
  more.className = "drivers-chart";
  ask.textContent = "Which numbers move the difference most? (two runs of the model per uncertain number)";
  ask.addEventListener("click", () => {
    const t0 = performance.now();
    const opts = Object.assign(options("strategy", State.strategy), { drivers: "on" });
    delete opts.samples;
    delete opts.seed;
    const got = Engine.call({ path: ["strategy"], options: opts });
    more.replaceChildren();
    if (!got.ok || !got.answer.drivers_output) {
      more.textContent = got.ok ? "No drivers: a single path, or no uncertain number." : got.error;
      return;
    }
    const top = got.answer.drivers.slice(0, 12);
    const svg = tornadoChart(got.answer.drivers_output.what, got.answer.drivers_output.central, top);
    more.append(figure(svg, `The ${top.length} numbers that move it most, each alone from its low (dark) to its high (light), of ${got.answer.drivers.length}; computed in ${(performance.now() - t0).toFixed(0)} ms.`));
  });
  const fan = fanChart(`cumulative compute (FLOP) by year${a.samples ? `, p5–p95 of ${a.samples} samples` : ", central values"}`, a.years, series);
  const charts = document.createElement("div");
  charts.appendChild(figure(fan, "Each path's cumulative training compute: line the p50, band p5–p95 (log scale)."));
  results.append(table, exportsBar("strategy", "path", [["fan chart", fan]]), charts, ask, more, notes(a.notes));
}

// ------------------------------------------------------------------------------------------
// The self-test (`?selftest=1`): moves every slider and a region, as a reader would, and
// writes what the page showed (every figure's exact value), how long each move took, the state
// in the address, what was fetched and what the policy blocked, into <pre id="selftest">. The
// browser test reads it and sets each figure beside the command line's. `?selftest=restore`
// only reports what the address's state shows.

function figures(name) {
  const out = {};
  for (const td of document.querySelectorAll(`#${name} td[data-figure]`)) {
    out[`${td.dataset.figure}@${td.dataset.col}`] = td.dataset.value !== undefined ? Number(td.dataset.value) : td.dataset.text;
  }
  return out;
}

function snapshot() {
  const out = {};
  for (const name of Object.keys(SECTIONS)) {
    const err = document.querySelector(`#${name} .error-box`);
    const texts = {};
    for (const td of document.querySelectorAll(`#${name} td[data-figure]`)) texts[`${td.dataset.figure}@${td.dataset.col}`] = td.textContent;
    // Each wafer map's dies as drawn, by kind.
    const maps = [...document.querySelectorAll(`#${name} svg`)].filter((svg) => svg.querySelector("path[data-dies]")).map((svg) =>
      Object.fromEntries([...svg.querySelectorAll("path[data-dies]")].map((p) => [p.dataset.kind, Number(p.dataset.dies)])));
    out[name] = { state: structuredClone(State[name]), options: options(name, State[name]), figures: figures(name), texts, maps,
      error: err ? err.textContent : null, charts: document.querySelectorAll(`#${name} figure svg`).length };
  }
  return out;
}

// `?selftest=bench&moves=N`: each slider moved N times across its range; the time of each move
// (to the redrawn section), the model's part of it, the control and its value.
function bench(n) {
  const times = {};
  for (const [name, sec] of Object.entries(SECTIONS)) {
    times[name] = [];
    for (const c of sec.controls.filter((c) => c.kind === "slider")) {
      const input = document.querySelector(`#${name}-${c.id}`);
      const [lo, hi, step] = c.bounds;
      for (let k = 0; k < n; k++) {
        const target = lo + Math.round((((k + 0.5) / n) * (hi - lo)) / step) * step;
        input.value = String(Number(target.toPrecision(12)));
        const t0 = performance.now();
        input.dispatchEvent(new Event("input", { bubbles: true }));
        flush();
        times[name].push([performance.now() - t0, timings[name], c.id, input.value]);
      }
    }
  }
  return times;
}

function selftest(mode) {
  const report = { mode, initial: snapshot(), steps: [], status: document.getElementById("status").textContent };
  if (mode === "bench") {
    report.bench = bench(Number(new URLSearchParams(location.search).get("moves")) || 10);
  } else if (mode !== "restore") {
    // A reader's move: a value typed or picked, a box ticked or a button pressed.
    const move = (name, c, input, value, event) => {
      const before = figures(name);
      if (input.type === "checkbox") input.checked = !input.checked;
      else if (value !== null) input.value = value;
      const t0 = performance.now();
      if (event === "click") input.click();
      else input.dispatchEvent(new Event(event, { bubbles: true }));
      flush();
      const ms = performance.now() - t0;
      const after = snapshot()[name];
      const moved = Object.keys(after.figures).filter((k) => after.figures[k] !== before[k]).length;
      report.steps.push({ section: name, control: c, value: event === "click" ? "reset" : input.value, ms, moved, ...after });
    };
    const at = (name, selector) => document.querySelector(`#${name} ${selector}`);
    for (const [name, sec] of Object.entries(SECTIONS)) {
      for (const c of sec.controls.filter((c) => c.kind === "slider")) {
        const [lo, hi, step] = c.bounds;
        const target = lo + Math.round((0.37 * (hi - lo)) / step) * step;
        move(name, c.id, at(name, `#${name}-${c.id}`), String(Number(target.toPrecision(12))), "input");
      }
    }
    move("train", "region", at("train", '[data-control="region"] input[value="cn-gz"]'), null, "change");
    move("train", "accelerator", at("train", "#train-accelerator"), "ascend-910c", "change");
    move("wafer", "node", at("wafer", '[data-control="node"] input[value="n7-duv"]'), null, "change");
    move("wafer", "die", at("wafer", "#wafer-die"), "gh100", "change");
    move("wafer", "area", at("wafer", '[data-control="area"] button.reset'), null, "click");
    move("strategy", "samples", at("strategy", "#strategy-samples"), "0", "change");
    move("strategy", "samples", at("strategy", "#strategy-samples"), "300", "change");
    // The drivers, on request.
    at("strategy", "button.drivers").click();
    report.drivers = [...document.querySelectorAll("#strategy .drivers-chart svg text")]
      .map((t) => t.textContent).filter((t) => Data.numbers.has(t));
    writeHash();
    report.hash = location.hash;
    report.exports = Object.fromEntries(Object.keys(SECTIONS).map((n) => {
      const svg = document.querySelector(`#${n} figure svg`);
      return [n, { csv: csvText(n), svg: svg ? svgText(svg) : null }];
    }));
  }
  report.final = snapshot();
  report.resources = performance.getEntriesByType("resource").map((e) => e.name);
  report.blocked = blocked.slice();
  report.startup_ms = startupMs;
  const pre = document.createElement("pre");
  pre.id = "selftest";
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
}

// ------------------------------------------------------------------------------------------

let startupMs = 0;

function main() {
  const status = document.getElementById("status");
  const t0 = performance.now();
  const ready = () => {
    try {
      loadData();
    } catch (e) {
      status.textContent = "The model could not start: " + e;
      status.classList.add("error");
      return;
    }
    initialState();
    const problems = readHash();
    for (const name of Object.keys(SECTIONS)) buildControls(name);
    for (const name of Object.keys(SECTIONS)) update(name);
    startupMs = performance.now() - t0;
    status.textContent = `Ready: the model started and answered in ${startupMs.toFixed(0)} ms.` +
      (problems.length ? ` Not taken from the address: ${problems.join("; ")}.` : "");
    if (problems.length) status.classList.add("error");
    const mode = new URLSearchParams(location.search).get("selftest");
    if (mode) selftest(mode);
  };
  try {
    const later = Engine.load(ready);
    if (later) later.catch((e) => { status.textContent = "The model could not start: " + e; status.classList.add("error"); });
  } catch (e) {
    status.textContent = "The model could not start: " + e;
    status.classList.add("error");
  }
}

// A reader sees "Loading the model…" painted before the model compiles; the self-test runs at
// once, as the page loads, so that its clock is the real one (see tests/explorer.rs).
if (new URLSearchParams(location.search).has("selftest")) main();
else requestAnimationFrame(() => setTimeout(main, 0));
