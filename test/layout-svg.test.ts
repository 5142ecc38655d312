/**
 * lib/layout/svg.ts and `btfkit layout --svg`: the picture of a struct
 * layout is well-formed, self-contained SVG with one member group per member,
 * boxes that do not overlap, widths proportional to sizes (bits for
 * bitfields), holes and padding where the layout has them; it stays a picture
 * for `struct task_struct`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Btf } from '../lib/btf.js';
import { LayoutPrinter } from '../lib/layout/index.js';
import { layoutSvg } from '../lib/layout/svg.js';
import { runCli, text } from './helpers/golden.js';
import { cachedKernels, missingKernels } from './helpers/kernels.js';
import { skip } from './helpers/skip.js';

// struct s { char a; /* 3 byte hole */ int b; unsigned x:3, y:5; /* bit and byte holes */ long z; char big[150]; char c; /* padding */ }
function sample(): Btf {
  const btf = Btf.empty();
  const ch = btf.addInt('char', 1, 1);
  const int = btf.addInt('int', 4, 1);
  const uint = btf.addInt('unsigned int', 4, 0);
  const long = btf.addInt('long', 8, 1);
  const arr = btf.addArray(int, ch, 300);
  btf.addStruct('s', 336);
  btf.addField('a', ch, 0, 0);
  btf.addField('b', int, 32, 0);
  btf.addField('x', uint, 64, 3);
  btf.addField('y', uint, 67, 5);
  btf.addField('z', long, 128, 0);
  btf.addField('big', arr, 192, 0);
  btf.addField('c', ch, 2592, 0);
  return btf;
}

/** Checks that `svg` is well-formed XML (tags nest and close, attributes quoted); returns the element names. */
function wellFormed(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let at = 0;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    const between = svg.slice(at, m.index);
    assert.not.match(between, /[<>]/, `stray markup before ${m[0]}`);
    assert.not.match(between, /&(?!amp;|lt;|gt;|quot;)/, 'unescaped &');
    at = m.index + m[0].length;
    if (!m[2]) continue;
    if (m[1]) assert.is(stack.pop(), m[2], `</${m[2]}> closes another element`);
    else {
      names.push(m[2]);
      if (!m[4]) stack.push(m[2]);
    }
  }
  assert.is(svg.slice(at).trim(), '');
  assert.equal(stack, []);
  return names;
}

interface Box {
  cls: string;
  x: number;
  y: number;
  w: number;
}

/** The rects of `svg` with a class, in order, and the member group each belongs to (-1: none). */
function boxes(svg: string): Array<Box & { member: number }> {
  const out: Array<Box & { member: number }> = [];
  let member = -1;
  let inGroup = false;
  const re = /<g class="member"[^>]*>|<\/g>|<rect class="([^"]+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    if (m[0].startsWith('<g')) {
      member++;
      inGroup = true;
    } else if (m[0] === '</g>') inGroup = false;
    else out.push({ cls: m[1]!, x: Number(m[2]), y: Number(m[3]), w: Number(m[4]), member: inGroup ? member : -1 });
  }
  return out;
}

function checkPicture(svg: string, layoutMembers: number, pxPerByte: number, sizes: number[]): void {
  const names = wellFormed(svg);
  assert.is(names[0], 'svg');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.not.match(svg, /<script|href=|@import/); // self-contained
  assert.is((svg.match(/<g class="member"/g) ?? []).length, layoutMembers);
  const bs = boxes(svg);
  // No two boxes (members, holes, padding) of one row overlap.
  const rows = new Map<number, Box[]>();
  for (const b of bs) rows.set(b.y, [...(rows.get(b.y) ?? []), b]);
  for (const [y, row] of rows) {
    row.sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++)
      assert.ok(row[i]!.x >= row[i - 1]!.x + row[i - 1]!.w - 0.02, `row ${y}: boxes ${i - 1} and ${i} overlap`);
  }
  // Widths: a member's segments add up to its size (bits for a bitfield), unless rows were folded.
  sizes.forEach((bytes, i) => {
    const w = bs.filter((b) => b.member === i && b.cls.startsWith('box')).reduce((s, b) => s + b.w, 0);
    if (bytes >= 0)
      assert.ok(Math.abs(w - bytes * pxPerByte) < 0.05, `member ${i}: width ${w}, want ${bytes * pxPerByte}`);
  });
}

test('the picture of a built struct: members, bitfields, holes, padding, folded rows', () => {
  const p = new LayoutPrinter(sample());
  const l = p.layout(6);
  const svg = layoutSvg(l);
  const px = 768 / 64;
  // big (300 bytes from offset 24) covers 4 whole cachelines (64..320): three rows fold.
  checkPicture(svg, 7, px, [1, 4, 3 / 8, 5 / 8, 8, -1, 1]);
  const bs = boxes(svg);
  const big = bs.filter((b) => b.member === 5).reduce((s, b) => s + b.w, 0);
  assert.ok(Math.abs(big - (300 - 3 * 64) * px) < 0.05, `big: ${big}`);
  assert.match(svg, 'big: 4 whole cachelines (3 rows folded)');
  // The 3-byte hole after a, the bit hole and byte hole after y, the padding.
  const holes = bs.filter((b) => b.cls === 'hole').map((b) => b.w / px);
  assert.equal(holes, [3, 7]); // 24 bits + 4 bytes are one gap of 7 bytes
  assert.equal(
    bs.filter((b) => b.cls === 'padding').map((b) => b.w / px),
    [336 - 325],
  );
  assert.is(bs.filter((b) => b.cls === 'box bitfield').length, 2);
  assert.match(svg, '<title>unsigned int x; offset 8:0, size 3 bits</title>');
  assert.match(svg, '>struct s</text>');
  assert.match(svg, 'size: 336, cachelines: 6, members: 7, holes: 2 (7 bytes), padding: 11');
});

test('a union: one band per member, from offset 0', () => {
  const btf = Btf.empty();
  const int = btf.addInt('int', 4, 1);
  const long = btf.addInt('long', 8, 1);
  btf.addUnion('u', 8);
  btf.addField('i', int, 0, 0);
  btf.addField('l', long, 0, 0);
  const svg = layoutSvg(new LayoutPrinter(btf).layout(3));
  checkPicture(svg, 2, 12, [4, 8]);
  assert.not.match(svg, 'class="hole"');
});

test('struct task_struct (hundreds of members) stays a picture', () => {
  const kernels = cachedKernels();
  const k = kernels.find((x) => x.series === '6.12');
  if (!k) return skip(missingKernels(kernels).join('; '), 'env');
  const btf = Btf.parse(new Uint8Array(readFileSync(k.vmlinux)));
  const p = new LayoutPrinter(btf);
  const id = btf.findByName('task_struct', 4)!;
  const l = p.layout(id);
  assert.ok(l.members.length > 200);
  const svg = layoutSvg(l);
  checkPicture(
    svg,
    l.members.length,
    12,
    l.members.map((m) => (m.bitfieldSize ? m.bitfieldSize / 8 : m.byteSize > 128 ? -1 : m.byteSize)),
  );
  const rowsDrawn = (svg.match(/<text class="row"/g) ?? []).length;
  assert.ok(rowsDrawn <= l.cachelines && rowsDrawn > 40, `${rowsDrawn} rows`);
  assert.match(svg, /whole cachelines \(\d+ rows folded\)/);
});

test('CLI: --svg FILE writes the picture of the -C type; without one -C it is a usage error', async () => {
  const f = 'golden/obj/maps/maps_demo.o';
  const r = await runCli(['layout', f, '-C', 'config', '--svg', '-']);
  assert.is(r.error, undefined);
  const svg = text(r.stdout);
  wellFormed(svg);
  assert.is((svg.match(/<g class="member"/g) ?? []).length, 7);
  const u = await runCli(['layout', f, '--svg', '-']);
  assert.match(String((u.error as Error).message), /-C NAME/);
  const m = await runCli(['layout', f, '-C', 'nope', '--svg', '-']);
  assert.is(m.error, undefined);
  assert.is(text(m.stdout), '');
});

test('CLI: -f svg writes the same picture to standard output or -o FILE; -o takes the listing and -j too', async () => {
  const f = 'golden/obj/maps/maps_demo.o';
  const want = text((await runCli(['layout', f, '-C', 'config', '--svg', '-'])).stdout);
  const r = await runCli(['layout', f, '-C', 'config', '-f', 'svg']);
  assert.is(r.error, undefined);
  assert.is(text(r.stdout), want);
  const dir = mkdtempSync(join(tmpdir(), 'btfkit-svg-'));
  try {
    const out = join(dir, 'config.svg');
    const o = await runCli(['layout', f, '-C', 'config', '-f', 'svg', '-o', out]);
    assert.is(o.error, undefined);
    assert.is(text(o.stdout), '');
    assert.is(readFileSync(out, 'utf8'), want);
    const listing = join(dir, 'layout.txt');
    assert.is((await runCli(['layout', f, '-o', listing])).error, undefined);
    assert.is(readFileSync(listing, 'utf8'), text((await runCli(['layout', f])).stdout));
    const json = join(dir, 'layout.json');
    assert.is((await runCli(['layout', f, '-f', 'json', '-o', json])).error, undefined);
    assert.is(readFileSync(json, 'utf8'), text((await runCli(['layout', f, '-j'])).stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const bad of [
    ['-f', 'svg'],
    ['-C', 'config', '-f', 'json', '--svg', '-'],
    ['-C', 'config', '--svg', '-', '-o', 'x.svg'],
    ['-C', 'config', '-f', 'svg', '-j'],
    ['-C', 'config', '-f', 'pahole', '-j'],
    ['-C', 'config', '-f', 'png'],
  ]) {
    const u = await runCli(['layout', f, ...bad]);
    assert.ok(u.error, bad.join(' '));
    assert.is(text(u.stdout), '', bad.join(' '));
  }
});

test.run();
