// What the kiosk's .deb holds of the renderer (electron-builder.yml `files`, matched as electron-builder
// matches them: minimatch, a file shipped when a pattern takes it and no "!" pattern leaves it out).
// The packaged page (packaged-renderer.ts) answers only from these files: a chunk left out is asked
// of the hub, which during an outage does not answer, so the terminal would not start at all — and
// online the hub may hold another build, without that chunk.
import fs from 'node:fs';
import path from 'node:path';
import { minimatch } from 'minimatch';
import { parse } from 'yaml';

const config = parse(fs.readFileSync(path.resolve(__dirname, '../../electron-builder.yml'), 'utf8')) as {
  files: string[];
};
const taken = config.files.filter((p) => !p.startsWith('!'));
const leftOut = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
const shipped = (file: string) => taken.some((p) => minimatch(file, p)) && !leftOut.some((p) => minimatch(file, p));

describe('the kiosk package', () => {
  it('holds every file of the renderer the build writes: the page, its entry and every chunk and asset', () => {
    // scripts/build-web.mjs: entry app.js, chunks named [name]-[hash], assets through esbuild's file loader.
    const page = [
      'index.html',
      'app.js',
      'boot-ZALN6VHZ.js',
      'chunk-B4L6KII4.js',
      'lazy-screens-OF7DWFPP.js',
      'EnrollmentScreen-YND3ODMF.js',
      'src-LLE4IG6H.js',
      'chime-3Q5X7A2B.mp3',
    ];
    expect(page.filter((f) => !shipped(`dist/web/${f}`))).toEqual([]);
  });

  it('leaves out the source maps, the browser page’s service worker and the compressed copies the hub sends', () => {
    for (const f of ['app.js.map', 'chunk-B4L6KII4.js.map', 'sw.js', 'app.js.br', 'chunk-B4L6KII4.js.gz'])
      expect(shipped(`dist/web/${f}`)).toBe(false);
  });

  it('holds the main process, the preload and the shared code, not the tests or the development clock', () => {
    expect(['dist/main/index.js', 'dist/preload/index.js', 'dist/common/ipc.js'].every(shipped)).toBe(true);
    expect(['dist/main/kiosk.test.js', 'dist/main/fake-clock.js', 'dist/main/after-pack.js'].some(shipped)).toBe(false);
  });
});
