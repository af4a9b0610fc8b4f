/**
 * The layering rules in biome.json (noRestrictedImports per folder) really fail the lint: probe files
 * with one import each are placed in a copy of the folder layout, Biome runs once with the repo's
 * configuration, and exactly the wrong imports are reported. Each rule has an allowed import next to
 * its forbidden one, so a rule that forbids everything would fail here too.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** [file the import is written in, what it imports, whether the lint must refuse it] */
const probes: [string, string, boolean][] = [
  ['apps/hub/src/plugins/probe.ts', '../modules/accounts/service', true],
  ['apps/hub/src/plugins/probe.ts', '../modules', true],
  ['apps/hub/src/lib/probe.ts', '../modules/announcements/store', true],
  ['apps/hub/src/plugins/probe.ts', '../lib/clock', false],
  ['apps/hub/src/plugins/probe.ts', '../../../console/src/App', true],
  ['apps/hub/src/modules/calls/probe.ts', '../../plugins/auth', false],
  ['apps/hub/src/modules/calls/probe.ts', '../../../../terminal/src/renderer/App', true],
  ['apps/hub/src/app-probe.ts', '../../../tools/fleet/src/sim/fleet', true],
  ['apps/hub/src/app-probe.ts', '@tsunagu/protocol', false],
  ['apps/terminal/src/main/probe.ts', '../renderer/App', true],
  ['apps/terminal/src/main/probe.ts', '../common/ipc', false],
  ['apps/terminal/src/preload/probe.ts', '../renderer/shell/platform', true],
  ['apps/terminal/src/preload/probe.ts', 'electron', false],
  ['apps/terminal/src/renderer/shell/probe.ts', '../../main/kiosk', true],
  ['apps/terminal/src/renderer/shell/probe.ts', '../../preload', true],
  ['apps/terminal/src/renderer/shell/probe.ts', 'electron', true],
  ['apps/terminal/src/renderer/shell/probe.ts', '../../common/ipc', false],
  ['apps/terminal/src/common/probe.ts', 'node:fs', true],
  ['apps/terminal/src/common/probe.ts', '@sinclair/typebox', false],
  ['apps/terminal/src/renderer/probe.ts', '@tsunagu/hub/app', true],
  ['apps/console/src/shell/probe.ts', '../features/registry', true],
  ['apps/console/src/shell/probe.ts', '../session', false],
  ['apps/console/src/features/calls/probe.ts', '../../shell/ui', false],
  ['apps/console/src/probe.ts', '../../terminal/src/renderer/App', true],
  ['apps/console/src/probe.ts', '@tsunagu/terminal/renderer/App', true],
  ['apps/console/src/probe.ts', '@tsunagu/ui', false],
  ['packages/ui/src/probe.ts', '../../../apps/hub/src/testing/harness', true],
  ['packages/call/src/probe.ts', '@tsunagu/hub/testing/harness', true],
  ['packages/call/src/probe.ts', '@tsunagu/protocol', false],
  ['tools/fleet/src/sim/probe.ts', '@tsunagu/hub/app', false],
];

interface Diagnostic {
  category: string;
  location: { path: string };
}

it('refuses exactly the imports that cross a layer', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layering-'));
  try {
    fs.copyFileSync(path.join(ROOT, 'biome.json'), path.join(dir, 'biome.json'));
    // One probe file per import, named by its index, in the folder the rule is about.
    const files = probes.map(([file, specifier], i) => {
      const name = file.replace(/\.ts$/, `-${i}.ts`);
      fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), `import { probe } from '${specifier}';\n\nexport const used = probe;\n`);
      return name;
    });
    const biome = path.join(ROOT, 'node_modules/.bin/biome');
    let out: string;
    try {
      out = execFileSync(biome, ['lint', '--reporter=json', '--max-diagnostics=none', '.'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // exit code 1: there are errors, as there must be
    }
    const refused = new Set(
      (JSON.parse(out) as { diagnostics: Diagnostic[] }).diagnostics
        .filter((d) => d.category === 'lint/style/noRestrictedImports')
        .map((d) => d.location.path),
    );
    const verdicts = probes.map(([file, specifier], i) => `${file} ← ${specifier}: ${refused.has(files[i]!)}`);
    expect(verdicts).toEqual(probes.map(([file, specifier, refuse]) => `${file} ← ${specifier}: ${refuse}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

it("gives DOM types only to the terminal's renderer (main, preload and common are separate projects)", () => {
  // The resolved compiler options of each project (with `extends` applied), as tsc -b uses them.
  const libs = (part: string) => {
    const file = path.join(ROOT, `apps/terminal/src/${part}/tsconfig.json`);
    const parsed = ts.getParsedCommandLineOfConfigFile(
      file,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    return (parsed?.options.lib ?? []).some((lib) => /lib\.dom\./.test(lib));
  };
  expect(['common', 'main', 'preload', 'renderer'].map((part) => [part, libs(part)])).toEqual([
    ['common', false],
    ['main', false],
    ['preload', false],
    ['renderer', true],
  ]);
  // The terminal's own tsconfig only points at the four, so no file is compiled with the wrong types.
  const solution = ts.readConfigFile(path.join(ROOT, 'apps/terminal/tsconfig.json'), ts.sys.readFile).config as {
    files: string[];
    references: { path: string }[];
  };
  expect(solution.files).toEqual([]);
  expect(solution.references.map((r) => r.path).sort()).toEqual(
    ['src/common', 'src/main', 'src/preload', 'src/renderer'].sort(),
  );
});
