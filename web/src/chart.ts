// A small log-log scatter plot in SVG (no chart library: see README). Clicking a point, or Enter on
// the focused chart, loads its configuration. Colours are resolved from the page's CSS variables at draw time
// so an exported SVG/PNG looks like the page.
import { h, s, type Attrs } from './dom.ts';
import { format, type Unit } from './format.ts';
import { logTicks } from './ticks.ts';

export interface Point {
  x: number;
  y: number;
  /** One line for assistive technology and the SVG <title> (hover tooltip of an exported file). */
  label: string;
  /** The hover/focus card: a heading (the plan) and labelled values, formatted by the caller. */
  card: { title: string; rows: [string, string][] };
  /** Which legend group the point belongs to (its marker colour and shape). */
  group: string;
  current: boolean;
  key: string;
}

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond';

/** A legend entry: points of a group share a colour and a marker shape (never colour alone). */
export interface PointGroup {
  id: string;
  name: string;
  colorVar: string;
  marker: Marker;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xUnit: Unit;
  yUnit: Unit;
  groups: PointGroup[];
  points: Point[];
  /** The frontier line joining the points in x order. */
  lineVar: string;
  /** One line per group, in the group's colour (several frontiers, one per chip), instead of one
   *  line through every point. */
  linePerGroup?: boolean;
  onPick: (key: string) => void;
  testId: string;
}

const W = 560;
const H = 340;
// The top margin holds the title and, under it, the legend.
const M = { l: 88, r: 30, t: 40, b: 44 };
const LEGEND_Y = 31;
const LEGEND_ROW = 14;
const MARKER_R = 5;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function marker(shape: Marker, cx: number, cy: number, r: number, attrs: Attrs): SVGElement {
  // A square of the circle's area would look smaller; the same bounding box reads as the same size.
  if (shape === 'square') return s('rect', { ...attrs, x: cx - r, y: cy - r, width: 2 * r, height: 2 * r });
  if (shape === 'triangle')
    return s('polygon', { ...attrs, points: `${cx},${cy - r * 1.15} ${cx + r * 1.15},${cy + r * 0.85} ${cx - r * 1.15},${cy + r * 0.85}` });
  if (shape === 'diamond') return s('polygon', { ...attrs, points: `${cx},${cy - r * 1.3} ${cx + r * 1.3},${cy} ${cx},${cy + r * 1.3} ${cx - r * 1.3},${cy}` });
  return s('circle', { ...attrs, cx, cy, r });
}

/** Approximate width of legend text at the chart's 11 px font. */
const textWidth = (text: string) => [...text].reduce((w, c) => w + (/[A-Z0-9]/.test(c) ? 7 : 6), 0);

/**
 * A log-log scatter of a frontier with a legend and a point card. The chart is ONE tab stop: the
 * arrow keys move between points in x order (along the frontier), Home/End go to its ends, Enter or
 * Space loads the active point; hovering a point shows its card too. Returns the figure (chart and
 * card) and the SVG (for export).
 */
export function scatter(spec: ChartSpec): { figure: HTMLElement; svg: SVGSVGElement } {
  const pts = spec.points.filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
  const fg = cssVar('--fg');
  const line = cssVar('--line');
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': spec.title,
    'data-testid': spec.testId,
    xmlns: 'http://www.w3.org/2000/svg',
    'font-family': 'system-ui, sans-serif',
    'font-size': 11,
  });
  const card = h('div', { class: 'point-card', role: 'status', 'aria-live': 'polite', 'data-testid': `${spec.testId}-card` });
  const figure = h('figure', { class: 'chart' }, svg, card);
  svg.append(s('rect', { x: 0, y: 0, width: W, height: H, fill: cssVar('--card') }));
  svg.append(s('text', { x: M.l, y: 16, fill: fg, 'font-weight': 600 }, spec.title));
  if (pts.length === 0) {
    svg.append(s('text', { x: W / 2, y: H / 2, fill: fg, 'text-anchor': 'middle' }, 'No feasible configurations'));
    return { figure, svg };
  }
  // Legend, right-aligned under the title: each group's marker and name, then the ring; a legend
  // too long for one row (several chips) wraps onto more rows, and the plot starts lower.
  const groups = spec.groups.filter((g) => pts.some((p) => p.group === g.id));
  const legend = s('g', { 'data-testid': `${spec.testId}-legend` });
  const ringText = 'current';
  // Each item is its marker, then its name starting just after it; widths are estimates (the
  // text is not measured), generous enough that names in capitals do not run into the next item.
  const items: { width: number; draw: (left: number, y: number) => void }[] = groups.map((g) => ({
    width: textWidth(g.name) + 24,
    draw: (left, y) => {
      legend.append(marker(g.marker, left + 4, y - 4, 4, { fill: cssVar(g.colorVar), 'data-group': g.id }));
      legend.append(s('text', { x: left + 12, y, fill: fg, 'data-group': g.id }, g.name));
    },
  }));
  items.push({
    width: textWidth(ringText) + 16,
    draw: (left, y) => {
      legend.append(s('circle', { cx: left + 6, cy: y - 4, r: 6, fill: 'none', stroke: cssVar('--bad'), 'stroke-width': 2 }));
      legend.append(s('text', { x: left + 16, y, fill: fg }, ringText));
    },
  });
  const rows: (typeof items)[] = [[]];
  let rowWidth = 0;
  for (const it of items) {
    if (rowWidth + it.width > W - M.l - M.r && rows[rows.length - 1]!.length > 0) {
      rows.push([]);
      rowWidth = 0;
    }
    rows[rows.length - 1]!.push(it);
    rowWidth += it.width;
  }
  // Each row right-aligned, drawn in reading order (the legend's text reads in the series' order).
  rows.forEach((row, r) => {
    let left = W - M.r - row.reduce((sum, it) => sum + it.width, 0);
    for (const it of row) {
      it.draw(left, LEGEND_Y + r * LEGEND_ROW);
      left += it.width;
    }
  });
  svg.append(legend);
  const top = M.t + (rows.length - 1) * LEGEND_ROW;
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const pad = (lo: number, hi: number): [number, number] => (lo === hi ? [lo / 2, hi * 2] : [lo / 1.25, hi * 1.25]);
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = (v: number) => M.l + ((Math.log(v) - Math.log(x0)) / (Math.log(x1) - Math.log(x0))) * (W - M.l - M.r);
  const Y = (v: number) => H - M.b - ((Math.log(v) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * (H - top - M.b);
  for (const t of logTicks(x0, x1)) {
    svg.append(s('line', { x1: X(t), x2: X(t), y1: top, y2: H - M.b, stroke: line }));
    svg.append(s('text', { x: X(t), y: H - M.b + 14, fill: fg, 'text-anchor': 'middle' }, format(t, spec.xUnit)));
  }
  for (const t of logTicks(y0, y1)) {
    svg.append(s('line', { x1: M.l, x2: W - M.r, y1: Y(t), y2: Y(t), stroke: line }));
    svg.append(s('text', { x: M.l - 4, y: Y(t) + 4, fill: fg, 'text-anchor': 'end' }, format(t, spec.yUnit)));
  }
  svg.append(s('text', { x: (M.l + W - M.r) / 2, y: H - 8, fill: fg, 'text-anchor': 'middle' }, `${spec.xLabel} (log)`));
  svg.append(
    s('text', { x: 10, y: (top + H - M.b) / 2, fill: fg, 'text-anchor': 'middle', transform: `rotate(-90 10 ${(top + H - M.b) / 2})` }, `${spec.yLabel} (log)`),
  );
  const polyline = (line: Point[], colorVar: string) => {
    if (line.length > 1)
      svg.append(
        s('polyline', {
          points: line.map((p) => `${X(p.x)},${Y(p.y)}`).join(' '),
          fill: 'none',
          stroke: cssVar(colorVar),
          'stroke-width': 1.5,
          'stroke-opacity': 0.5,
          'data-line': spec.linePerGroup ? 'group' : 'all',
        }),
      );
  };
  if (spec.linePerGroup)
    for (const g of groups)
      polyline(
        pts.filter((p) => p.group === g.id),
        g.colorVar,
      );
  else polyline(pts, spec.lineVar);
  const groupOf = new Map(spec.groups.map((g) => [g.id, g]));
  const active = s('circle', {
    class: 'active-ring',
    r: MARKER_R + 5,
    fill: 'none',
    stroke: fg,
    'stroke-width': 2.5,
    visibility: 'hidden',
    'pointer-events': 'none',
  });
  let activeIndex = Math.max(
    0,
    pts.findIndex((p) => p.current),
  );
  const show = (i: number) => {
    activeIndex = i;
    const p = pts[i]!;
    active.setAttribute('cx', String(X(p.x)));
    active.setAttribute('cy', String(Y(p.y)));
    active.setAttribute('visibility', 'visible');
    card.dataset.key = p.key;
    card.replaceChildren(
      h('p', { class: 'point-title' }, p.card.title),
      h('dl', {}, ...p.card.rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('p', { class: 'muted' }, `Point ${i + 1} of ${pts.length}. Enter or click loads it.`),
    );
  };
  pts.forEach((p, i) => {
    const g = groupOf.get(p.group);
    const dot = marker(g?.marker ?? 'circle', X(p.x), Y(p.y), MARKER_R, {
      class: 'pt',
      fill: cssVar(g?.colorVar ?? '--fg'),
      'data-key': p.key,
      'data-group': p.group,
      'data-x': String(p.x),
      'data-y': String(p.y),
    });
    dot.append(s('title', {}, `${g ? `${g.name}: ` : ''}${p.label}`));
    dot.addEventListener('click', () => spec.onPick(p.key));
    dot.addEventListener('mouseenter', () => show(i));
    svg.append(dot);
    if (p.current)
      svg.append(
        s('circle', {
          class: 'current',
          cx: X(p.x),
          cy: Y(p.y),
          r: MARKER_R + 4,
          fill: 'none',
          stroke: cssVar('--bad'),
          'stroke-width': 2,
          'data-current': 'true',
        }),
      );
  });
  svg.append(active);
  // One tab stop: the chart itself. Points are not focusable; the card announces the active one.
  svg.setAttribute('tabindex', '0');
  svg.setAttribute('role', 'application');
  svg.setAttribute('aria-roledescription', 'chart');
  svg.setAttribute('aria-label', `${spec.title}: ${pts.length} points. Left and right arrows move along the frontier, Enter loads the point.`);
  svg.addEventListener('focus', () => show(activeIndex));
  svg.addEventListener('keydown', (e) => {
    const last = pts.length - 1;
    const to =
      e.key === 'ArrowRight' || e.key === 'ArrowUp'
        ? Math.min(last, activeIndex + 1)
        : e.key === 'ArrowLeft' || e.key === 'ArrowDown'
          ? Math.max(0, activeIndex - 1)
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? last
              : null;
    if (to !== null) {
      e.preventDefault();
      show(to);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      spec.onPick(pts[activeIndex]!.key);
    }
  });
  card.replaceChildren(h('p', { class: 'muted' }, 'Point at a dot, or tab into the chart and use the arrow keys, for its plan and numbers.'));
  return { figure, svg };
}

/** The CSS variable of a logical axis (x, y or z): the same colours mark the axes in the torus
 *  picture and in the layout tables. */
export const AXIS_VAR: Record<string, string> = { x: '--ax-x', y: '--ax-y', z: '--ax-z' };

/** The torus slice: one X×Y grid per z plane. Each physical axis is drawn in the colour of the
 *  logical axis (x, y or z) it plays: the X edge under each plane, the Y edge on its left and the
 *  plane labels for Z. */
export function torusPicture(topology: number[], roles: { x: number; y: number; z: number }, axisRoles: number[]): SVGSVGElement {
  const [dx = 1, dy = 1, dz = 1] = topology;
  const cell = Math.max(6, Math.min(22, Math.floor(150 / Math.max(dx, dy))));
  const planeW = dx * cell + 18;
  const shown = Math.min(dz, 16);
  const cols = Math.min(shown, 4);
  const rows = Math.ceil(shown / cols);
  const W2 = Math.max(300, cols * planeW + 24);
  const planeH = dy * cell + 30;
  const H2 = rows * planeH + 62;
  const fg = cssVar('--fg');
  const svg = s('svg', {
    viewBox: `0 0 ${W2} ${H2}`,
    role: 'img',
    'aria-label': `Torus slice ${dx} by ${dy} by ${dz}`,
    xmlns: 'http://www.w3.org/2000/svg',
    'font-size': 11,
    'font-family': 'system-ui, sans-serif',
    'data-testid': 'torus',
  });
  const roleOf = (phys: number) => ['x', 'y', 'z'][axisRoles.indexOf(phys)] ?? '?';
  const colour = (phys: number) => cssVar(AXIS_VAR[roleOf(phys)] ?? '--fg');
  for (let z = 0; z < shown; z++) {
    const ox = 18 + (z % cols) * planeW;
    const oy = 20 + Math.floor(z / cols) * planeH;
    svg.append(s('text', { x: ox, y: oy - 5, fill: colour(2), 'font-weight': 600, 'data-axis': roleOf(2) }, `Z=${z}`));
    for (let x = 0; x < dx; x++)
      for (let y = 0; y < dy; y++)
        svg.append(
          s('rect', {
            class: 'chip',
            x: ox + x * cell,
            y: oy + y * cell,
            width: cell - 2,
            height: cell - 2,
            rx: 2,
            fill: cssVar('--bar'),
            'fill-opacity': 0.2 + (0.5 * (z + 1)) / shown,
          }),
        );
    // X edge (under the plane) and Y edge (left of it), in the colours of their logical axes.
    svg.append(
      s('line', {
        x1: ox,
        x2: ox + dx * cell - 2,
        y1: oy + dy * cell + 3,
        y2: oy + dy * cell + 3,
        stroke: colour(0),
        'stroke-width': 3,
        'data-axis': roleOf(0),
      }),
    );
    svg.append(s('line', { x1: ox - 5, x2: ox - 5, y1: oy, y2: oy + dy * cell - 2, stroke: colour(1), 'stroke-width': 3, 'data-axis': roleOf(1) }));
  }
  const names = ['X', 'Y', 'Z'];
  const ly = H2 - 34;
  names.forEach((n, i) => {
    const lx = 10 + i * Math.floor((W2 - 10) / 3);
    const r = roleOf(i);
    svg.append(s('line', { x1: lx, x2: lx + 14, y1: ly - 4, y2: ly - 4, stroke: colour(i), 'stroke-width': 3, 'data-axis': r }));
    svg.append(s('text', { x: lx + 18, y: ly, fill: fg }, `${n} (${topology[i] ?? 1}) plays ${r}`));
  });
  svg.append(
    s(
      'text',
      { x: 10, y: H2 - 12, fill: fg },
      `logical axes: x=${roles.x}, y=${roles.y}, z=${roles.z} chips${dz > shown ? `; first ${shown} of ${dz} planes drawn` : ''}`,
    ),
  );
  return svg;
}

export function svgText(svg: SVGSVGElement): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(svg);
}

export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const vb = svg.viewBox.baseVal;
  const url = URL.createObjectURL(new Blob([svgText(svg)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = vb.width * scale;
    canvas.height = vb.height * scale;
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, vb.width, vb.height);
    return await new Promise<Blob>((res, rej) => canvas.toBlob((b) => (b ? res(b) : rej(new Error('PNG export failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
