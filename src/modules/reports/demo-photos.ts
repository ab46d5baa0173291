import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Pictures for the demo city's reports, painted here rather than shipped: the project has no photos it
 * may redistribute, and the platform must still show what a report with photos looks like. Each is a
 * small PNG of the problem's scene (a road with a hole, a dark lamp, bags of rubbish…), drawn with
 * rectangles and ellipses, with some noise so that no two are alike.
 */

type Colour = readonly [number, number, number];

class Canvas {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
  #seed: number;

  constructor(width: number, height: number, seed: number) {
    this.width = width;
    this.height = height;
    this.pixels = new Uint8Array(width * height * 3);
    this.#seed = seed || 1;
  }

  random(): number {
    this.#seed = (this.#seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return this.#seed / 2_147_483_648;
  }

  #set(x: number, y: number, [r, g, b]: Colour, noise: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const jitter = noise ? Math.round((this.random() - 0.5) * noise) : 0;
    const at = (y * this.width + x) * 3;
    this.pixels[at] = Math.max(0, Math.min(255, r + jitter));
    this.pixels[at + 1] = Math.max(0, Math.min(255, g + jitter));
    this.pixels[at + 2] = Math.max(0, Math.min(255, b + jitter));
  }

  rect(x: number, y: number, w: number, h: number, colour: Colour, noise = 12): void {
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, y + h); j++)
      for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, x + w); i++) this.#set(i, j, colour, noise);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, colour: Colour, noise = 12): void {
    for (let j = Math.floor(cy - ry); j <= cy + ry; j++) {
      for (let i = Math.floor(cx - rx); i <= cx + rx; i++)
        if (((i - cx) / rx) ** 2 + ((j - cy) / ry) ** 2 <= 1) this.#set(i, j, colour, noise);
    }
  }

  /** Encodes the canvas as an 8-bit RGB PNG. */
  png(): Buffer {
    const rows = Buffer.alloc((this.width * 3 + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      rows[y * (this.width * 3 + 1)] = 0; // filter: none
      Buffer.from(this.pixels.buffer, y * this.width * 3, this.width * 3).copy(rows, y * (this.width * 3 + 1) + 1);
    }
    const chunk = (type: string, data: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour, deflate, no filter method, no interlace
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

const SKY: Colour = [150, 190, 225];
const ASPHALT: Colour = [88, 90, 94];
const PAVEMENT: Colour = [170, 166, 158];
const WALL: Colour = [214, 196, 168];
const GRASS: Colour = [96, 150, 72];

const SCENES: Record<string, (c: Canvas) => void> = {
  pothole(c) {
    c.rect(0, 0, c.width, c.height * 0.3, SKY, 6);
    c.rect(0, c.height * 0.3, c.width, c.height, ASPHALT, 18);
    c.rect(c.width * 0.48, c.height * 0.3, 6, c.height, [230, 230, 220], 4);
    c.ellipse(
      c.width * (0.3 + c.random() * 0.4),
      c.height * 0.68,
      46 + c.random() * 20,
      18 + c.random() * 8,
      [38, 36, 34],
      10,
    );
  },
  streetlight(c) {
    c.rect(0, 0, c.width, c.height, [24, 30, 58], 6);
    c.rect(0, c.height * 0.8, c.width, c.height, ASPHALT, 10);
    const x = c.width * (0.35 + c.random() * 0.3);
    c.rect(x, c.height * 0.2, 6, c.height * 0.6, [60, 62, 66], 4);
    c.rect(x - 18, c.height * 0.2, 30, 8, [60, 62, 66], 4);
    c.ellipse(x - 16, c.height * 0.24, 10, 5, [70, 72, 60], 4); // the lamp, out
  },
  litter(c) {
    c.rect(0, 0, c.width, c.height * 0.45, WALL, 10);
    c.rect(0, c.height * 0.45, c.width, c.height, PAVEMENT, 14);
    for (let i = 0; i < 5; i++)
      c.ellipse(
        c.width * (0.2 + c.random() * 0.6),
        c.height * (0.6 + c.random() * 0.25),
        22 + c.random() * 12,
        18 + c.random() * 8,
        [30, 30, 32],
        14,
      );
    c.rect(c.width * 0.7, c.height * 0.3, 40, 60, [40, 110, 60], 10);
  },
  graffiti(c) {
    c.rect(0, 0, c.width, c.height, WALL, 14);
    const colours: Colour[] = [
      [200, 30, 60],
      [30, 90, 200],
      [240, 200, 20],
      [20, 20, 20],
    ];
    for (let i = 0; i < 7; i++) {
      const colour = colours[Math.floor(c.random() * colours.length)] ?? ASPHALT;
      c.ellipse(
        c.width * (0.15 + c.random() * 0.7),
        c.height * (0.25 + c.random() * 0.5),
        30 + c.random() * 30,
        6 + c.random() * 10,
        colour,
        8,
      );
    }
  },
  tree(c) {
    c.rect(0, 0, c.width, c.height * 0.55, SKY, 6);
    c.rect(0, c.height * 0.55, c.width, c.height, GRASS, 20);
    c.rect(c.width * 0.45, c.height * 0.25, 16, c.height * 0.4, [100, 70, 40], 10);
    c.ellipse(c.width * 0.48, c.height * 0.25, 60, 45, [50, 110, 50], 24);
    c.rect(c.width * 0.2, c.height * 0.7, c.width * 0.35, 10, [100, 70, 40], 8); // a fallen branch
  },
  traffic_sign(c) {
    c.rect(0, 0, c.width, c.height * 0.6, SKY, 6);
    c.rect(0, c.height * 0.6, c.width, c.height, ASPHALT, 14);
    const x = c.width * (0.4 + c.random() * 0.2);
    c.rect(x, c.height * 0.3, 6, c.height * 0.5, [120, 120, 124], 4);
    c.ellipse(x + 3, c.height * 0.25, 28, 28, [200, 30, 40], 6);
    c.ellipse(x + 3, c.height * 0.25, 20, 20, [240, 240, 240], 4);
  },
};

/** A PNG of the scene for a category code (a plain street for unknown codes); `seed` varies the picture. */
export function paintDemoPhoto(categoryCode: string, seed: number): { data: Buffer; sha256: string } {
  const canvas = new Canvas(320, 240, seed);
  (SCENES[categoryCode] ?? SCENES.pothole)?.(canvas);
  const data = canvas.png();
  return { data, sha256: createHash('sha256').update(data).digest('hex') };
}
