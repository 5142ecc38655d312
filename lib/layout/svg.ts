/**
 * A picture of one struct or union layout (`btfkit layout --svg`): a row per
 * cacheline, each member a box as wide as its bytes (a bitfield as wide as
 * its bits), holes and the trailing padding hatched, as one self-contained
 * SVG file (no script, no external font or style).
 *
 *   cl 0     0 [ a:8        ][ b:4  ][////][ c:16 ...                 ]
 *   cl 1    64 [ ... c      ][d:1|e:3][///////////// padding ///////////]
 *
 * The facts come from {@link LayoutPrinter.layout} (pahole's offsets, holes
 * and padding), so the picture says what `btfkit layout` prints. A member
 * that crosses a cacheline is drawn as one segment per row, grouped in one
 * `<g class="member">`; rows wholly inside one large member (a big array)
 * are folded into one row that says how many lines it stands for, so a
 * struct of hundreds of cachelines stays a picture one can scroll. A label
 * (name and size) is written inside a box when it fits; every box carries a
 * `<title>` with the member's type, offset and size, shown on hover. The
 * members of a union all start at 0: each gets a row band of its own.
 */
import { cachelineSizeOf, type Layout } from './index.js';

/** Options of {@link layoutSvg}. */
export interface SvgOptions {
  /** Bytes per row. Defaults to 64 (pahole's cacheline). */
  cachelineSize?: number;
  /** Row width in pixels (the bytes of a row are spread over it). Defaults to 768. */
  width?: number;
}

const ROW_H = 30;
const ROW_GAP = 6;
const LEFT = 96;
const TOP = 58;
/** Right of the rows: the names of the members too narrow to be labelled in their box. */
const NAMES_W = 360;
const RIGHT = NAMES_W + 16;
const CHAR_W = 6.4;
/** Rows wholly inside one member are folded beyond this many. */
const FOLD_MIN = 3;

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round to 2 decimals (short attribute text). */
const r2 = (x: number): string => String(Math.round(x * 100) / 100);

const FILLS = ['#cfe3f7', '#d9f0d3', '#f7e2c6', '#e6d8f2', '#f5d3dc', '#d3efef'];
const BITFIELD_FILL = '#fff2a8';

interface Seg {
  row: number;
  x0: number;
  x1: number;
}

/** An interval of bits, `[start, end)`, with what it is. */
interface Span {
  kind: 'member' | 'bitfield' | 'hole' | 'padding';
  start: number;
  end: number;
  /** Index into `layout.members` (members and bitfields). */
  index: number;
}

/**
 * Returns the SVG picture of `layout` (see the essay): rows of
 * `cachelineSize` bytes, one `<g class="member">` per member with one
 * `<rect class="box">` per row it covers, `<rect class="hole">` and
 * `<rect class="padding">` hatched.
 */
export function layoutSvg(layout: Layout, opts: SvgOptions = {}): string {
  const cls = cachelineSizeOf(opts.cachelineSize);
  const width = opts.width ?? 768;
  const pxPerBit = width / (cls * 8);
  const union = layout.kind === 'union';
  const sizeBits = layout.size * 8;

  // The spans, in bit order (a union: members only, each from 0).
  const spans: Span[] = [];
  layout.members.forEach((m, i) => {
    const start = m.bitfieldSize ? m.bitOffset : m.byteOffset * 8;
    const len = m.bitfieldSize ? m.bitfieldSize : m.byteSize * 8;
    spans.push({ kind: m.bitfieldSize ? 'bitfield' : 'member', start, end: start + len, index: i });
  });
  if (!union) {
    // Holes: the gaps no member covers; padding: the gap after the last one.
    const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end);
    let cursor = 0;
    for (const s of sorted) {
      if (s.start > cursor) spans.push({ kind: 'hole', start: cursor, end: s.start, index: -1 });
      cursor = Math.max(cursor, s.end);
    }
    if (sizeBits > cursor) spans.push({ kind: 'padding', start: cursor, end: sizeBits, index: -1 });
  }

  // Rows: cachelines (a union: one band per member, each as long as it needs).
  const rowBits = cls * 8;
  const lines = Math.max(1, Math.ceil(sizeBits / rowBits));
  // A struct's row r shows bits [r * rowBits, (r + 1) * rowBits); folded rows are skipped.
  const folded = new Uint8Array(lines);
  const foldNotes: Array<{ row: number; count: number; index: number }> = [];
  if (!union) {
    for (const s of spans) {
      if (s.kind !== 'member') continue;
      const firstFull = Math.ceil(s.start / rowBits);
      const lastFull = Math.floor(s.end / rowBits) - 1; // rows wholly inside [start, end)
      if (lastFull - firstFull + 1 >= FOLD_MIN) {
        // Keep the first full row, fold the rest into it.
        for (let r = firstFull + 1; r <= lastFull; r++) folded[r] = 1;
        foldNotes.push({ row: firstFull, count: lastFull - firstFull + 1, index: s.index });
      }
    }
  }
  const rowY = new Float64Array(union ? layout.members.length + 1 : lines);
  let y = TOP;
  const nRows = union ? Math.max(1, layout.members.length) : lines;
  for (let r = 0; r < nRows; r++) {
    if (!union && folded[r]) {
      rowY[r] = -1;
      continue;
    }
    rowY[r] = y;
    y += ROW_H + ROW_GAP;
  }
  const height = y + 40;
  const totalW = LEFT + width + RIGHT;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalW}" height="${r2(height)}" viewBox="0 0 ${totalW} ${r2(height)}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="11">\n`,
  );
  out.push(
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#fbeaea"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d05050" stroke-width="2"/></pattern>' +
      '<pattern id="pad" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="6" height="6" fill="#eeeeee"/><line x1="0" y1="0" x2="0" y2="6" stroke="#999999" stroke-width="2"/></pattern></defs>\n',
  );
  out.push('<rect width="100%" height="100%" fill="#ffffff"/>\n');
  const title = `${layout.kind} ${layout.name || '(anonymous)'}`;
  const facts =
    `size: ${layout.size}, cachelines: ${layout.cachelines}, members: ${layout.members.length}` +
    (union ? '' : `, holes: ${layout.holes} (${layout.sumHoles} bytes), padding: ${layout.padding}`);
  out.push(`<text class="title" x="8" y="20" font-size="15" font-weight="bold">${esc(title)}</text>\n`);
  out.push(`<text x="8" y="38" fill="#444444">${esc(facts)}</text>\n`);
  // Legend.
  const legend: Array<[string, string]> = [
    ['member', FILLS[0]!],
    ['bitfield', BITFIELD_FILL],
    ['hole', 'url(#hatch)'],
    ['padding', 'url(#pad)'],
  ];
  let lx = totalW - RIGHT - legend.length * 78;
  for (const [name, fill] of legend) {
    out.push(
      `<rect x="${r2(lx)}" y="10" width="14" height="12" fill="${fill}" stroke="#555555" stroke-width="0.5"/><text x="${r2(lx + 18)}" y="20">${name}</text>\n`,
    );
    lx += 78;
  }

  // Row labels and frames.
  for (let r = 0; r < nRows; r++) {
    const ry = rowY[r]!;
    if (ry < 0) continue;
    const label = union ? `+0` : `cl ${r}`;
    const sub = union ? '' : `${r * cls}`;
    out.push(
      `<text class="row" x="8" y="${r2(ry + 13)}" fill="#333333">${label}</text><text x="8" y="${r2(ry + 25)}" fill="#888888">${sub}</text>` +
        `<rect x="${LEFT}" y="${r2(ry)}" width="${width}" height="${ROW_H}" fill="none" stroke="#bbbbbb" stroke-dasharray="3 2"/>\n`,
    );
  }

  // Segments of a span: one per row it touches (folded rows skipped).
  const segments = (s: Span, band: number): Seg[] => {
    if (union) {
      const x1 = Math.min(s.end, rowBits);
      return [{ row: band, x0: s.start * pxPerBit, x1: Math.max(x1 * pxPerBit, s.start * pxPerBit + 1) }];
    }
    const segs: Seg[] = [];
    if (s.start === s.end) {
      const r = Math.min(Math.floor(s.start / rowBits), lines - 1);
      const x = (s.start - r * rowBits) * pxPerBit;
      return folded[r] ? [] : [{ row: r, x0: x, x1: x }];
    }
    for (let r = Math.floor(s.start / rowBits); r * rowBits < s.end && r < lines; r++) {
      if (folded[r]) continue;
      const a = Math.max(s.start, r * rowBits) - r * rowBits;
      const b = Math.min(s.end, (r + 1) * rowBits) - r * rowBits;
      segs.push({ row: r, x0: a * pxPerBit, x1: b * pxPerBit });
    }
    return segs;
  };

  // Per row, the names that did not fit in their boxes.
  const unlabelled = new Map<number, string[]>();
  const box = (cls: string, seg: Seg, fill: string, tip: string, label: string): string => {
    const ry = rowY[seg.row]!;
    const w = seg.x1 - seg.x0;
    if (w <= 0) {
      // A member of size 0: a tick above the row where it sits.
      const name = label.split(' ')[0]!;
      if (name) unlabelled.set(seg.row, [...(unlabelled.get(seg.row) ?? []), `${name} (0)`]);
      return `<rect class="marker" x="${r2(LEFT + seg.x0 - 1)}" y="${r2(ry - 4)}" width="2" height="5" fill="#333333"><title>${esc(tip)}</title></rect>`;
    }
    let s = `<rect class="${cls}" x="${r2(LEFT + seg.x0)}" y="${r2(ry)}" width="${r2(w)}" height="${ROW_H}" fill="${fill}" stroke="#555555" stroke-width="0.6"><title>${esc(tip)}</title></rect>`;
    if (label) {
      // The longest label that fits: name and size, the name alone, or nothing.
      const room = w - 6;
      const fits = (t: string): boolean => t.length * CHAR_W <= room;
      const text = fits(label) ? label : fits(label.split(' ')[0]!) ? label.split(' ')[0]! : '';
      if (text) s += `<text x="${r2(LEFT + seg.x0 + 3)}" y="${r2(ry + ROW_H / 2 + 4)}">${esc(text)}</text>`;
      else unlabelled.set(seg.row, [...(unlabelled.get(seg.row) ?? []), label.split(' ')[0]!]);
    }
    return s;
  };

  for (const s of spans) {
    if (s.kind === 'hole' || s.kind === 'padding') {
      const bits = s.end - s.start;
      const what = bits % 8 === 0 ? `${bits / 8} byte${bits === 8 ? '' : 's'}` : `${bits} bits`;
      const tip = `${s.kind === 'hole' ? 'hole' : 'padding'}: ${what} at ${Math.floor(s.start / 8)}`;
      for (const seg of segments(s, 0))
        out.push(
          `${box(s.kind, seg, s.kind === 'hole' ? 'url(#hatch)' : 'url(#pad)', tip, s.kind === 'padding' ? 'padding' : '')}\n`,
        );
      continue;
    }
    const m = layout.members[s.index]!;
    const size = m.bitfieldSize ? `${m.bitfieldSize} bit${m.bitfieldSize === 1 ? '' : 's'}` : `${m.byteSize}`;
    const where = m.bitfieldSize ? `${m.byteOffset}:${m.bitfieldOffset}` : `${m.byteOffset}`;
    const tip = `${m.type} ${m.name || '(anonymous)'}; offset ${where}, size ${size}`;
    const label = `${m.name || '(anon)'} ${m.bitfieldSize ? `:${m.bitfieldSize}` : m.byteSize}`;
    const fill = s.kind === 'bitfield' ? BITFIELD_FILL : FILLS[s.index % FILLS.length]!;
    out.push(`<g class="member" data-name="${esc(m.name)}" data-offset="${m.bitOffset}" data-size="${m.byteSize}">`);
    const segs = segments(s, s.index);
    segs.forEach((seg, k) => {
      out.push(box(s.kind === 'bitfield' ? 'box bitfield' : 'box', seg, fill, tip, k === 0 ? label : ''));
    });
    out.push('</g>\n');
  }

  const maxChars = Math.floor(NAMES_W / (CHAR_W * 0.85));
  for (const [row, names] of unlabelled) {
    let t = names.join(', ');
    if (t.length > maxChars) t = `${t.slice(0, maxChars - 1)}…`;
    out.push(
      `<text class="names" x="${LEFT + width + 8}" y="${r2(rowY[row]! + ROW_H / 2 + 4)}" font-size="10" fill="#333333">${esc(t)}</text>\n`,
    );
  }
  for (const f of foldNotes) {
    const ry = rowY[f.row]!;
    const m = layout.members[f.index]!;
    out.push(
      `<text class="fold" x="${LEFT + width / 2}" y="${r2(ry + ROW_H / 2 + 4)}" text-anchor="middle" fill="#333333">` +
        `${esc(m.name)}: ${f.count} whole cachelines (${f.count - 1} rows folded)</text>\n`,
    );
  }
  out.push('</svg>\n');
  return out.join('');
}
