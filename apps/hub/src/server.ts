/** Starts the hub: configuration from the environment, database in the data folder, demo city on first start. */
import { buildApp } from './app';
import { loadConfigOrReport } from './config';
import { databaseFile } from './db/database';
import { checkDataPermissions, makePrivateDir, permissionWarning } from './db/permissions';
import { DEMO_PASSWORD, loadDemo, saveDemo, seedDemoCity } from './demo/seed';
import { findSpeechTools, missingToolsMessage } from './lib/speech/engine';

async function main(): Promise<void> {
  const config = loadConfigOrReport();
  if (!config) process.exit(2);
  // Everything the hub writes (database, voice clips, backups) is for its own user only.
  process.umask(0o077);
  makePrivateDir(config.dataDir);
  const loosened = checkDataPermissions(config.dataDir);
  const hub = await buildApp({
    config,
    logger: {
      level: process.env.LOG_LEVEL ?? 'info',
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
    },
  });

  if (
    config.seedDemo &&
    (await hub.stores.households.count()) === 0 &&
    (await hub.stores.accounts.listUsers()).length === 0
  ) {
    const result = await seedDemoCity(hub);
    saveDemo(config.dataDir, result);
    hub.app.log.info({ households: 21, terminals: result.terminals.length }, 'seeded the demo city');
  }

  if (loosened.length > 0) {
    hub.app.log.warn({ paths: loosened }, 'data folder readable by other users');
    console.warn(permissionWarning(config.dataDir, loosened));
  }

  await hub.app.listen({ port: config.port, host: config.host });
  const address = hub.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const base = config.publicUrl.replace(/:\d+$/, `:${port}`);
  const lines = [
    '',
    `Tsunagu hub is running (database: ${databaseFile(config.dataDir)})`,
    `  Console (staff):   ${base}/console/`,
    `  API docs:          ${base}/docs`,
    `  Health:            ${base}/healthz (alive), ${base}/readyz (ready)`,
  ];
  const demo = loadDemo(config.dataDir);
  if (demo) {
    const t = demo.terminals[0];
    if (t) lines.push(`  Demo terminal:     ${base}/terminal/#credential=${t.credential}   (${t.householdName})`);
    lines.push(`  Demo logins (password "${DEMO_PASSWORD}"):`);
    for (const l of demo.logins) lines.push(`    ${l.username.padEnd(12)} ${l.note}`);
  }
  console.log(lines.join('\n'));
  const speechMissing = missingToolsMessage(findSpeechTools(config.speechTools).missing);
  if (speechMissing) console.warn(`\nSpeech: ${speechMissing}\n`);

  const stop = async (signal: string) => {
    hub.app.log.info({ signal }, 'stopping');
    await hub.app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
