/** Writes a bench part's results: JSON always, and its section of benchmarks.md for the official run. */
import fs from 'node:fs';
import path from 'node:path';

export function writePart(options: {
  out: string;
  official: boolean;
  terminals: number;
  /** benchmarks-NAME.json and the markers <!-- bench:NAME:start --> … <!-- bench:NAME:end --> */
  name: string;
  results: unknown;
  table: string;
  /** The whole section, markers included. */
  section: string;
}): void {
  fs.mkdirSync(options.out, { recursive: true });
  const suffix = options.official ? '' : `-${options.terminals}`;
  const json = path.join(options.out, `benchmarks-${options.name}${suffix}.json`);
  fs.writeFileSync(json, `${JSON.stringify(options.results, null, 2)}\n`);
  console.log(`\n${options.table}\n`);
  if (!options.official) return void console.log(`wrote ${json}`);
  const page = path.join(options.out, 'benchmarks.md');
  const text = fs.existsSync(page) ? fs.readFileSync(page, 'utf8') : '# Benchmarks\n';
  const re = new RegExp(`<!-- bench:${options.name}:start -->[\\s\\S]*<!-- bench:${options.name}:end -->`);
  fs.writeFileSync(
    page,
    re.test(text) ? text.replace(re, () => options.section) : `${text.trimEnd()}\n\n${options.section}\n`,
  );
  console.log(`wrote ${json} and ${page}`);
}
