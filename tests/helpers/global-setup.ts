// Browser tests need the bundled web apps: build them once per jest run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export default async function globalSetup(): Promise<void> {
  const script = pathToFileURL(path.resolve(__dirname, '../../scripts/build-web.mjs')).href;
  // Jest transforms import() to require() in CommonJS; go through Function to keep a real dynamic import.
  const mod = (await new Function('u', 'return import(u)')(script)) as {
    buildWeb(o: { quiet: boolean }): Promise<unknown>;
  };
  await mod.buildWeb({ quiet: true });
}
