/**
 * The PIN as a PNG captcha (SPEC §4.4): a person reads it at a glance, a stock OCR does not.
 * The glyphs are font outlines drawn as paths (svg-captcha's font), never as text; each is
 * rotated, sheared, scaled and shifted on its own, the whole picture is bent by a wave, and
 * crossing noise lines and dots in the glyphs' colours break up their shapes. All of that
 * happens on the path coordinates, so rasterizing (resvg) stays cheap: a few ms per image,
 * which matters because every registration renders one.
 * @module
 */
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';

const require = createRequire(import.meta.url);
// svg-captcha's module is the function `(text, options) => svg`; its typings declare only
// the helpers that pick their own (Math.random) text, which a PIN must not use.
const createCaptcha = require('svg-captcha') as (text: string, options: object) => string;

export const CAPTCHA_WIDTH = 260;
export const CAPTCHA_HEIGHT = 96;
const BACKGROUND = '#f6f5ef';
/** Pixels per unit of the picture: sharp on high-density screens, still a small PNG. */
const SCALE = 1.5;

type Point = [number, number];
type Transform = (p: Point) => Point;

/** A uniform random number in [min, max) from the CSPRNG (the picture must not be predictable). */
function rnd(min: number, max: number): number {
  return min + (randomInt(0, 1_000_000) / 1_000_000) * (max - min);
}

function lightColour(): string {
  return `hsl(${randomInt(0, 360)}, ${randomInt(30, 60)}%, ${randomInt(62, 78)}%)`;
}

function darkColour(): string {
  return `hsl(${randomInt(0, 360)}, ${randomInt(55, 85)}%, ${randomInt(22, 42)}%)`;
}

const PAIR = /(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)/g;

/** Map every coordinate pair of SVG path data (`M x y L x y Q x1 y1 x y …`). */
function mapPath(d: string, f: Transform): string {
  return d.replace(PAIR, (_m, x: string, y: string) => {
    const [a, b] = f([Number(x), Number(y)]);
    return `${a.toFixed(1)} ${b.toFixed(1)}`;
  });
}

/** A glyph outline: path commands with coordinates about its centre, and where that is. */
interface Glyph {
  /** Command text and coordinate pairs, alternating. */
  parts: (string | Point)[];
  cy: number;
}

const glyphs = new Map<string, Glyph>();

/**
 * A character's outline from svg-captcha's font, parsed once: only ten digits ever occur,
 * and every picture transforms the same outlines differently.
 */
function glyph(ch: string): Glyph {
  const known = glyphs.get(ch);
  if (known !== undefined) return known;
  const raw = createCaptcha(ch, {
    width: CAPTCHA_WIDTH,
    height: CAPTCHA_HEIGHT,
    fontSize: 72,
    noise: 0,
    background: BACKGROUND,
  });
  const d = /<path fill="[^"]*" d="([^"]+)"\/>/.exec(raw)?.[1];
  if (d === undefined) throw new Error(`the captcha font has no glyph for "${ch}"`);
  const parts: (string | Point)[] = [];
  const pts: Point[] = [];
  let last = 0;
  for (const m of d.matchAll(PAIR)) {
    parts.push(d.slice(last, m.index));
    const p: Point = [Number(m[1]), Number(m[2])];
    parts.push(p);
    pts.push(p);
    last = m.index + m[0].length;
  }
  parts.push(d.slice(last));
  const cx = pts.reduce((s, p) => s + p[0], 0) / Math.max(1, pts.length);
  const cy = pts.reduce((s, p) => s + p[1], 0) / Math.max(1, pts.length);
  for (const p of pts) {
    p[0] -= cx;
    p[1] -= cy;
  }
  const g = { parts, cy };
  glyphs.set(ch, g);
  return g;
}

function drawGlyph(g: Glyph, f: Transform): string {
  let out = '';
  for (const part of g.parts) {
    if (typeof part === 'string') out += part;
    else {
      const [x, y] = f(part);
      out += `${x.toFixed(1)} ${y.toFixed(1)}`;
    }
  }
  return out;
}

/** Rotate, shear and scale a glyph about its centre, and put it at (x, y), shifted a bit. */
function glyphJitter(x: number, y: number): Transform {
  const a = (rnd(-20, 20) * Math.PI) / 180;
  const shear = rnd(-0.3, 0.3);
  const scale = rnd(0.85, 1.12);
  const cx = x + rnd(-5, 5);
  const cy = y + rnd(-7, 7);
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  return ([px, py]) => {
    const u = px * scale + shear * py;
    const v = py * scale;
    return [cx + u * cos - v * sin, cy + u * sin + v * cos];
  };
}

/** A wave through the whole picture, different in every image. */
function wave(): Transform {
  const ax = rnd(3, 5);
  const ay = rnd(4, 7);
  const fx = rnd(0.03, 0.06);
  const fy = rnd(0.025, 0.045);
  const px = rnd(0, 2 * Math.PI);
  const py = rnd(0, 2 * Math.PI);
  return ([x, y]) => [x + ax * Math.sin(y * fx + px), y + ay * Math.sin(x * fy + py)];
}

function noiseLine(colour: string, minWidth: number, maxWidth: number): string {
  const W = CAPTCHA_WIDTH;
  const H = CAPTCHA_HEIGHT;
  const y = (): number => rnd(H * 0.15, H * 0.85);
  const d =
    `M${rnd(0, 20).toFixed(1)} ${y().toFixed(1)} ` +
    `C${rnd(W * 0.2, W * 0.45).toFixed(1)} ${rnd(0, H).toFixed(1)} ` +
    `${rnd(W * 0.55, W * 0.8).toFixed(1)} ${rnd(0, H).toFixed(1)} ` +
    `${rnd(W - 20, W).toFixed(1)} ${y().toFixed(1)}`;
  return `<path d="${d}" stroke="${colour}" stroke-width="${rnd(minWidth, maxWidth).toFixed(1)}" fill="none"/>`;
}

/** The SVG of a captcha showing `text`. */
export function captchaSvg(text: string): string {
  const warp = wave();
  const colours: string[] = [];
  // Slots as svg-captcha spaces them.
  const spacing = (CAPTCHA_WIDTH - 2) / (text.length + 1);
  const drawn = text.split('').map((ch, i) => {
    const g = glyph(ch);
    const jitter = glyphJitter(spacing * (i + 1), g.cy);
    const colour = darkColour();
    colours.push(colour);
    // A stroke in the fill colour thickens the font's thin strokes for people.
    const path = drawGlyph(g, (p) => warp(jitter(p)));
    return `<path fill="${colour}" stroke="${colour}" stroke-width="1.6" d="${path}"/>`;
  });
  const pick = (): string => colours[randomInt(0, colours.length)] ?? '#333';
  const under = Array.from({ length: 3 }, () => noiseLine(lightColour(), 1.5, 3));
  const over = Array.from({ length: 3 }, () => mapPath(noiseLine(pick(), 0.9, 1.6), warp));
  const dots = Array.from(
    { length: 45 },
    () =>
      `<circle cx="${rnd(0, CAPTCHA_WIDTH).toFixed(1)}" cy="${rnd(0, CAPTCHA_HEIGHT).toFixed(1)}" ` +
      `r="${rnd(0.8, 2.4).toFixed(1)}" fill="${randomInt(0, 3) === 0 ? pick() : darkColour()}"/>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}" ` +
    `viewBox="0 0 ${CAPTCHA_WIDTH} ${CAPTCHA_HEIGHT}">` +
    `<rect width="100%" height="100%" fill="${BACKGROUND}"/>` +
    `${under.join('')}${drawn.join('')}${over.join('')}${dots.join('')}</svg>`
  );
}

/** The captcha as PNG bytes, rasterized on libuv's thread pool (the event loop goes on). */
export async function captchaPng(text: string): Promise<Buffer> {
  // No text in the picture: without the system fonts resvg starts in a third of the time.
  const options = {
    fitTo: { mode: 'zoom', value: SCALE },
    font: { loadSystemFonts: false },
  } as const;
  return (await renderAsync(captchaSvg(text), options)).asPng();
}
