/**
 * `npm run cluster [-- --hubs N]`: several hubs behind HAProxy on one PostgreSQL and one Redis, on
 * this machine, to try what docs/operations.md deploys (issue 18). The demo city is seeded; Ctrl-C
 * stops everything and removes its temporary folders.
 */
import { startCluster } from './cluster';

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
  const cluster = await startCluster({ hubs, firstHubEnv: { TSUNAGU_SEED_DEMO: 'true' } });
  console.log(
    [
      '',
      `Tsunagu cluster is running: ${cluster.url}/console/ (console), ${cluster.url}/terminal/ (terminal)`,
      ...cluster.hubs.map((h, i) => `  hub${i + 1}: ${h!.url}   (kill one: kill -9 ${h!.process.pid})`),
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
