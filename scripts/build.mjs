// Builds everything `npm start`, `npm run admin`, `bench` and `sim` need, fast and without type-checking
// (type-checking is `npm run typecheck`, run in CI): each package's TypeScript is transpiled file by
// file into its dist/ folder (the same layout `tsc -b` produces), then the web apps are bundled.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildWeb } from './build-web.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const packages = ['packages/protocol', 'packages/call', 'packages/ui', 'apps/hub', 'apps/terminal', 'tools/fleet'];

function sources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'renderer' && entry.name !== 'testdata') out.push(...sources(p));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      out.push(p);
  }
  return out;
}

const started = Date.now();
for (const pkg of packages) {
  const src = path.join(root, pkg, 'src');
  if (!fs.existsSync(src)) continue;
  await build({
    entryPoints: sources(src),
    outdir: path.join(root, pkg, 'dist'),
    outbase: src,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: ['node20'],
    jsx: 'automatic',
    sourcemap: true,
    logLevel: 'error',
  });
}
await buildWeb({ quiet: true });
if (!quiet) console.log(`built ${packages.join(', ')} and the web apps in ${Date.now() - started} ms`);
