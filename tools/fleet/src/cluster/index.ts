/**
 * `npm run cluster [-- --hubs N]`: several hubs behind HAProxy on one PostgreSQL and one Redis, on
 * this machine, to try what docs/operations.md deploys (issue 18). The demo city is seeded; Ctrl-C
 * stops everything and removes its temporary folders.
 */
import path from 'node:path';
import { DEMO_PASSWORD, loadDemo } from '@tsunagu/hub/demo/seed';
import { startCluster } from './cluster';

// tools/fleet/dist/cluster → the repository; `npm run cluster` builds the hub and web apps first.
const HUB_DIST = path.resolve(__dirname, '../../../../apps/hub/dist');

async function main() {
  const args = process.argv.slice(2);
  let hubs = 2;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--hubs' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) >= 1) hubs = Number(args[++i]);
    else {
      console.error('usage: npm run cluster [-- --hubs N]   (N ≥ 1, default 2)');
      process.exit(2);
    }
  }
  console.log(`Starting PostgreSQL, Redis, ${hubs} hubs and HAProxy…`);
  const cluster = await startCluster({
    hubs,
    firstHubEnv: { TSUNAGU_SEED_DEMO: 'true' },
    built: { server: path.join(HUB_DIST, 'server.js'), admin: path.join(HUB_DIST, 'cli/admin.js') },
  });
  const demo = loadDemo(cluster.dataDirs[0]!);
  const terminal = demo?.terminals[0];
  console.log(
    [
      '',
      `Tsunagu cluster is running behind HAProxy: ${cluster.url}/console/`,
      ...(terminal ? [`  Demo terminal: ${cluster.url}/terminal/#credential=${terminal.credential}`] : []),
      ...(demo
        ? [`  Demo logins (password "${DEMO_PASSWORD}"): ${demo.logins.map((l) => l.username).join(', ')}`]
        : []),
      ...cluster.hubs.map((h, i) => `  hub${i + 1}: ${h!.url}   (kill it: kill -9 ${h!.process.pid})`),
      `  PostgreSQL: ${cluster.databaseUrl}`,
      `  Redis: ${cluster.redisUrl}`,
      'Press Ctrl-C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
