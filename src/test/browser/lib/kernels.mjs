// What each kernel under test runs: the cells are equivalent across kernels, the markers the
// tests look for are the same. BROWSER_KERNEL picks the profile (default: conclab).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { KERNEL, ROOT } from './env.mjs';

/** A solid 64×64 RGB PNG, base64: the Python profile's stand-in for a chart. */
export function pngBase64(size = 64, rgb = [30, 120, 200]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = buf => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))
  ]).toString('base64');
}

const python3 = {
  name: 'python3',
  language: 'python',
  fileExtension: '.py',
  cells: {
    hello: 'print("hello")',
    image: `import base64\nfrom IPython.display import Image, display\ndisplay(Image(data=base64.b64decode("${pngBase64()}")))`,
    busy: 'print("spinning", flush=True)\nwhile True:\n    pass',
    after: 'print("after interrupt")',
    // A thread that prints once the test has created the marker file, i.e. after the cell finished.
    late: marker =>
      `import os, threading, time\n` +
      `def _late():\n` +
      `    while not os.path.exists(${JSON.stringify(marker)}):\n` +
      `        time.sleep(0.02)\n` +
      `    print("late line", flush=True)\n` +
      `threading.Thread(target=_late, daemon=True).start()`
  },
  complete: { code: 'ab', expect: 'abs' },
  inspect: { code: 'abs', expect: /abs/ },
  // ipykernel 6.17 sends a thread's output under whichever request it is handling at the time,
  // so the late line lands under its own cell only if no other cell ran since.
  threadOutputFollowsCell: false,
  interruptText: 'KeyboardInterrupt',
  tour: null
};

const conclab = {
  name: 'conclab',
  language: 'java',
  fileExtension: '.jshell',
  cells: {
    hello: 'System.out.println("hello")',
    image: 'var img = new java.awt.image.BufferedImage(64,64,java.awt.image.BufferedImage.TYPE_INT_RGB); display(img);',
    busy: 'System.out.println("spinning");\nwhile (true) {}',
    after: 'System.out.println("after interrupt")',
    late: marker =>
      'new Thread(() -> { try { while (!java.nio.file.Files.exists(java.nio.file.Path.of(' +
      `${JSON.stringify(marker)}))) Thread.sleep(20); } catch (InterruptedException e) {} ` +
      'System.out.println("late line"); }).start();',
    // JShell recompiles `words` when `greeting` is redefined: the kernel keeps its value and says so
    base: 'String greeting = "bonjour";',
    derived: 'var words = List.of(greeting, "le monde");',
    redefine: 'String greeting = "salut";'
  },
  updateNotice: 'kept its value',
  complete: { code: 'Math.ab', expect: 'abs' },
  inspect: { code: 'Math.abs', expect: /abs/ },
  // The kernel's contract: a thread's output goes under the cell that started it, even when
  // other cells ran since (DESIGN.md, behaviour 3).
  threadOutputFollowsCell: true,
  interruptText: null,
  tour: path.join(ROOT, 'notebooks', '00-tour.ipynb')
};

const PROFILES = { python3, conclab };

export function kernelProfile(name = KERNEL) {
  const profile = PROFILES[name];
  if (!profile) throw new Error(`BROWSER_KERNEL=${name}: no cells for it (known: ${Object.keys(PROFILES).join(', ')})`);
  return profile;
}

/** The tour notebook, when the repository has one and the kernel is the project's. */
export function tourNotebook(profile) {
  return profile.tour && fs.existsSync(profile.tour) ? profile.tour : null;
}

/**
 * Writes the test notebook into `dir`; returns its file name and the cell order.
 * Order: hello, image, busy, after, late (then base, derived, redefine where the kernel has update
 * notices). Run All stops at the interrupted busy loop (Jupyter
 * skips the queued cells after an error), so `after` and `late` are then run one at a time.
 */
export function writeTestNotebook(dir, profile, { fileName = 'browser-test.ipynb', withKernelspec = false, marker }) {
  const order = ['hello', 'image', 'busy', 'after', 'late', ...(profile.cells.redefine ? ['base', 'derived', 'redefine'] : [])];
  const source = { ...profile.cells, late: profile.cells.late(marker) };
  // Without a kernelspec (and language) the front end asks which kernel to start.
  const metadata = withKernelspec
    ? { kernelspec: { name: profile.name, display_name: profile.name, language: profile.language },
        language_info: { name: profile.language } }
    : {};
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata,
    cells: order.map((key, i) => ({
      cell_type: 'code',
      id: `cell-${i}-${key}`,
      metadata: {},
      execution_count: null,
      outputs: [],
      source: source[key]
    }))
  };
  fs.writeFileSync(path.join(dir, fileName), JSON.stringify(nb, null, 1));
  return { fileName, index: Object.fromEntries(order.map((k, i) => [k, i])) };
}
