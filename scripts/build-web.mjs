// Bundles the two web front ends (terminal renderer, console) with esbuild into each app's dist/web.
// Used by `npm run build`, `npm start` and the browser tests' global setup.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const alias = {
  '@tsunagu/protocol': path.join(root, 'packages/protocol/src/index.ts'),
  '@tsunagu/ui': path.join(root, 'packages/ui/src/index.ts'),
  '@tsunagu/call': path.join(root, 'packages/call/src/index.ts'),
};

const apps = [
  {
    name: 'terminal',
    entry: 'apps/terminal/src/renderer/index.tsx',
    html: 'apps/terminal/src/renderer/index.html',
    out: 'apps/terminal/dist/web',
    // Home first (issue 17): other screens and the call's media are chunks loaded on demand; the
    // chunks the entry needs at once are announced in index.html (modulepreload), so they load in
    // parallel with app.js rather than after it.
    split: true,
    // The renderer runs on Preact through its React compatibility layer (issue 17): React DOM was
    // 210 KB of the 440 KB the first screen evaluated; Preact is about 12 KB. The code stays
    // React's (types, imports, hooks); only the bundle swaps the runtime. The console stays on React.
    alias: {
      react: 'preact/compat',
      'react-dom': 'preact/compat',
    },
  },
  {
    name: 'console',
    entry: 'apps/console/src/index.tsx',
    html: 'apps/console/src/index.html',
    out: 'apps/console/dist/web',
    // Installable on a watcher's phone (issue 16): the manifest, its icon, and a service worker for Web Push.
    files: ['apps/console/src/manifest.webmanifest', 'apps/console/src/icon.svg'],
    worker: 'apps/console/src/sw.ts',
  },
];

export async function buildWeb({ quiet = false } = {}) {
  const results = [];
  for (const app of apps) {
    const entry = path.join(root, app.entry);
    if (!fs.existsSync(entry)) continue;
    const outdir = path.join(root, app.out);
    const terminalVersion = `${JSON.parse(fs.readFileSync(path.join(root, 'apps/terminal/package.json'), 'utf8')).version}-web`;
    fs.mkdirSync(outdir, { recursive: true });
    // Chunks carry a hash in their name: last build's would pile up (and be precached) otherwise;
    // and every compressed copy goes, written again from this build's files (compressFiles).
    for (const f of fs.readdirSync(outdir)) if (/\.js(\.map)?$|\.(br|gz)$/.test(f)) fs.rmSync(path.join(outdir, f));
    const result = await build({
      entryPoints: { app: entry },
      bundle: true,
      // One flat folder: the kiosk's packaged-file handler serves only plain names.
      ...(app.split ? { splitting: true, chunkNames: '[name]-[hash]' } : {}),
      minify: true,
      sourcemap: true,
      format: 'esm',
      target: ['chrome120'],
      jsx: 'automatic',
      outdir,
      alias: { ...alias, ...app.alias },
      // NODE_ENV=development npm run build: a development build (the terminal honours ?hub=).
      define: {
        'process.env.NODE_ENV': process.env.NODE_ENV === 'development' ? '"development"' : '"production"',
        // The terminal page reports its version to the hub (city hall's fleet view).
        'process.env.TSUNAGU_WEB_VERSION': JSON.stringify(terminalVersion),
      },
      metafile: true,
      logLevel: quiet ? 'error' : 'warning',
      loader: { '.mp3': 'file', '.wav': 'file', '.ogg': 'file', '.png': 'file', '.svg': 'file' },
    });
    writeHtml(path.join(root, app.html), path.join(outdir, 'index.html'), result.metafile, app.out);
    for (const f of app.files ?? []) fs.copyFileSync(path.join(root, f), path.join(outdir, path.basename(f)));
    if (app.worker)
      await build({
        entryPoints: [path.join(root, app.worker)],
        bundle: true,
        minify: true,
        format: 'iife',
        target: ['chrome120'],
        outfile: path.join(outdir, 'sw.js'),
        alias,
        logLevel: quiet ? 'error' : 'warning',
      });
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    results.push({ name: app.name, bytes });
    if (!quiet) console.log(`built ${app.name} → ${app.out} (${Math.round(bytes / 1024)} KiB)`);
  }
  await buildServiceWorker(quiet);
  for (const app of apps) if (fs.existsSync(path.join(root, app.out))) await compressFiles(path.join(root, app.out));
  // The Electron preload runs sandboxed and cannot require local files: bundle it into one file.
  const preload = path.join(root, 'apps/terminal/src/preload/index.ts');
  if (fs.existsSync(preload)) {
    await build({
      entryPoints: [preload],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: ['node20'],
      external: ['electron'],
      outfile: path.join(root, 'apps/terminal/dist/preload/index.js'),
      logLevel: quiet ? 'error' : 'warning',
    });
  }
  return results;
}

/**
 * index.html, with a modulepreload for every chunk the page needs to draw its first screen:
 * Chromium fetches them with app.js instead of discovering them after parsing it. That is what
 * app.js imports statically, and what it imports dynamically itself (the terminal's entry loads
 * React and the app that way, after it has started connecting), each with its static imports; not
 * the chunks those load on demand (the other screens). (The CSP allows them: same origin.)
 */
function writeHtml(source, target, metafile, out) {
  const outputs = metafile.outputs;
  const entry = `${out}/app.js`;
  const first = (outputs[entry]?.imports ?? []).filter((i) => !i.external && i.kind === 'dynamic-import');
  const needed = new Set();
  const visit = (file) => {
    for (const i of outputs[file]?.imports ?? [])
      if (!i.external && i.kind === 'import-statement' && !needed.has(i.path)) {
        needed.add(i.path);
        visit(i.path);
      }
  };
  visit(entry);
  for (const i of first) {
    needed.add(i.path);
    visit(i.path);
  }
  needed.delete(entry);
  // app.js first: Chromium answers the preloads about in the order they are listed, and the entry
  // is what starts the connection.
  const chunks = [entry, ...needed].map((f) => `    <link rel="modulepreload" href="./${path.basename(f)}" />`);
  const html = fs.readFileSync(source, 'utf8');
  fs.writeFileSync(target, chunks.length ? html.replace(/(\n\s*<\/head>)/, `\n${chunks.join('\n')}$1`) : html);
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * A Brotli and a gzip copy beside each script, style sheet and image of a web app (`app.js.br`,
 * `app.js.gz`), which the hub sends to a browser that accepts them (@fastify/static `preCompressed`):
 * the terminal's first screen is about a third of its size on the line, the console's script a
 * quarter — what counts on a mobile line or a city's slow backup link. Not the HTML: a city may edit
 * the page by hand (the city hall's phone number), and a stale copy would be sent instead. Not files
 * under 1 KB, nor source maps.
 */
async function compressFiles(dir) {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.(js|css|svg|webmanifest)$/.test(f) && fs.statSync(path.join(dir, f)).size >= 1024);
  await Promise.all(
    files.map(async (f) => {
      const data = fs.readFileSync(path.join(dir, f));
      const [br, gz] = await Promise.all([
        brotli(data, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }),
        gzip(data, { level: 9 }),
      ]);
      fs.writeFileSync(path.join(dir, `${f}.br`), br);
      fs.writeFileSync(path.join(dir, `${f}.gz`), gz);
    }),
  );
}

/**
 * The terminal page's service worker, with the list of the page's files and a hash of each (what
 * workbox-build's getManifest would produce, without its build-time dependencies).
 */
async function buildServiceWorker(quiet) {
  const entry = path.join(root, 'apps/terminal/src/renderer/sw.ts');
  const outdir = path.join(root, 'apps/terminal/dist/web');
  if (!fs.existsSync(entry) || !fs.existsSync(outdir)) return;
  const manifest = fs
    .readdirSync(outdir)
    .filter((f) => !/\.(map|br|gz)$/.test(f) && f !== 'sw.js' && fs.statSync(path.join(outdir, f)).isFile())
    .sort()
    .map((url) => ({
      url,
      revision: createHash('md5')
        .update(fs.readFileSync(path.join(outdir, url)))
        .digest('hex'),
    }));
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome120'],
    outfile: path.join(outdir, 'sw.js'),
    define: { 'self.__WB_MANIFEST': JSON.stringify(manifest), 'process.env.NODE_ENV': '"production"' },
    logLevel: quiet ? 'error' : 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  buildWeb().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
