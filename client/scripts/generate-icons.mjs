// Renders the app icons (a check mark on the brand colour) as PNGs with no image dependencies.
// Run: node client/scripts/generate-icons.mjs  — outputs are committed under client/public/icons.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const BRAND = [59, 91, 219];
const WHITE = [255, 255, 255];
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function insideRoundedRect(x, y, inset, radius) {
  const lo = inset;
  const hi = 1 - inset;
  if (x < lo || x > hi || y < lo || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + radius), hi - radius);
  const cy = Math.min(Math.max(y, lo + radius), hi - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}
function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** `scale` shrinks the check mark toward the centre (maskable icons keep content in the safe zone). */
function render(size, { fullBleed, scale }) {
  const rgba = Buffer.alloc(size * size * 4);
  const map = ([x, y]) => [0.5 + (x - 0.5) * scale, 0.5 + (y - 0.5) * scale];
  const check = [map([0.28, 0.52]), map([0.44, 0.68]), map([0.74, 0.36])];
  const stroke = 0.055 * scale;
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (fullBleed || insideRoundedRect(x, y, 0.04, 0.2)) bg++;
          const d = Math.min(distToSegment(x, y, check[0], check[1]), distToSegment(x, y, check[1], check[2]));
          if (d <= stroke) mark++;
        }
      }
      const n = samples * samples;
      const a = bg / n;
      const m = Math.min(mark / n, a);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BRAND[c] * (1 - m / (a || 1)) + WHITE[c] * (m / (a || 1)));
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, rgba);
}

mkdirSync(outDir, { recursive: true });
const outputs = [
  ['icon-192.png', 192, { fullBleed: false, scale: 1 }],
  ['icon-512.png', 512, { fullBleed: false, scale: 1 }],
  ['maskable-512.png', 512, { fullBleed: true, scale: 0.8 }],
  ['maskable-192.png', 192, { fullBleed: true, scale: 0.8 }],
  ['apple-touch-icon-180.png', 180, { fullBleed: true, scale: 0.9 }],
  ['favicon-32.png', 32, { fullBleed: false, scale: 1.1 }],
];
for (const [name, size, options] of outputs) writeFileSync(join(outDir, name), render(size, options));
process.stdout.write(`wrote ${outputs.length} icons to ${outDir}\n`);
