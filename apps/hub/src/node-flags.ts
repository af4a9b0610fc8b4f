/**
 * The options the hub's Node.js runs with, wherever it is started: `npm start` (package.json), the
 * systemd unit in docs/operations.md, the child hubs of the cluster and kill -9 tests
 * (testing/child-hub.ts) and the bench's hub (tools/fleet bench/proc.ts), so the bench measures the
 * hub as a city runs it. node-flags.test.ts holds the first two to this list.
 *
 * `--v8-pool-size=0`: V8's helper threads (concurrent and parallel garbage collection, background
 * compilation) as many as the CPUs the process may run on (its CPU affinity), instead of Node's
 * fixed four. A hub on fewer cores than that (a small machine, one core given by `CPUAffinity=` or
 * taskset) otherwise shares them between its event loop and four helpers: during the marking of a
 * major collection the event loop got a fifth of its core, and nothing was answered for 140–330 ms
 * (issue 17, docs/benchmarks.md "Session 23": check-ins at an ordinary rate, 10,000 terminals).
 */
export const HUB_NODE_FLAGS: readonly string[] = ['--v8-pool-size=0'];
