// The bench's terminal-start harness (issue 17, `npm run bench -- --only start`) against a real hub:
// it notices home by the page's own console (a small init script checking on each animation frame),
// not by Playwright's injected script, and it reads the renderer's marks. A page that never says so
// fails here (30 s wait) rather than in a bench run.
import { terminalStarts } from '../../tools/fleet/src/bench/browser';
import { startTestHub, type TestHub } from '../helpers/hub';

jest.setTimeout(120_000);

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub({ seedDemo: true });
});
afterAll(async () => {
  await hub?.dispose();
});

const credential = () => hub.demo.terminals[0]!.credential;

describe('the terminal-start harness', () => {
  it('times a cold start to an interactive home next to the tiny page, with the page’s marks in order', async () => {
    const [start] = await terminalStarts(hub.url, credential(), 1, [{ label: 'hub', dir: null }]);
    expect(start!.runs).toBe(1);
    expect(start!.toInteractive.p50).toBeGreaterThan(0);
    expect(start!.blankPage.p50).toBeGreaterThan(0);
    const p = start!.phases;
    for (const mark of [p.connectingMs, p.scriptStartMs, p.connectedMs, p.profileMs, p.homeMs])
      expect(Number.isFinite(mark)).toBe(true);
    // Nothing remembered: home is drawn from the hub's profile, after the socket connected.
    expect(p.connectingMs).toBeLessThanOrEqual(p.connectedMs);
    expect(p.profileMs).toBeLessThanOrEqual(p.homeMs);
  });

  it('times a kiosk restart the same way', async () => {
    const [restart] = await terminalStarts(hub.url, credential(), 1, [{ label: 'hub', dir: null }], 'restart');
    expect(restart!.toInteractive.p50).toBeGreaterThan(0);
    expect(Number.isFinite(restart!.phases.homeMs)).toBe(true);
  });
});
