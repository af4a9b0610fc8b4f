/**
 * The alert rules the project ships (docs/prometheus/tsunagu.rules.yml): valid for Prometheus
 * (promtool, Debian's prometheus package), firing as their unit tests say, built only from
 * metrics a hub really exports (a renamed metric must not silently disable an alert), and each
 * with its runbook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTestHub } from '../testing/harness';

const DOCS = path.resolve(__dirname, '../../../../docs');
const RULES = path.join(DOCS, 'prometheus/tsunagu.rules.yml');
const RULE_TESTS = path.join(DOCS, 'prometheus/tsunagu.rules.test.yml');
const rules = fs.readFileSync(RULES, 'utf8');

function promtool(...args: string[]) {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: path.dirname(RULES) });
  if (r.error)
    throw new Error(`promtool is missing (Debian package prometheus: scripts/test-deps.sh): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('shipped Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', RULES);
    expect(r.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('fire as their unit tests say (promtool test rules)', () => {
    const r = promtool('test', 'rules', RULE_TESTS);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('use only metrics the hub exports', async () => {
    const hub = await createTestHub();
    try {
      const exported = new Set<string>();
      for (const m of await hub.ctx.metrics.registry.getMetricsAsJSON()) {
        exported.add(m.name);
        if (String(m.type) === 'histogram')
          for (const s of ['_bucket', '_sum', '_count']) exported.add(`${m.name}${s}`);
      }
      const used = new Set(rules.match(/\btsunagu_[a-z0-9_]+/g) ?? []);
      expect(used.size).toBeGreaterThan(10);
      expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('each link a runbook that exists, and operations.md lists every alert', () => {
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    const runbooks = [...rules.matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThanOrEqual(12);
    expect(runbooks).toHaveLength(alerts.length);
    for (const r of runbooks) expect(fs.existsSync(path.join(DOCS, '..', r))).toBe(true);
    const operations = fs.readFileSync(path.join(DOCS, 'operations.md'), 'utf8');
    for (const a of alerts) expect(operations).toContain(`\`${a}\``);
  });
});
