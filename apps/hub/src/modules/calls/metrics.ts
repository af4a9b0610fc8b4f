/** The queues' figures for /metrics (Prometheus gauges, read from the router when scraped). */
import { Gauge, type Registry } from 'prom-client';
import type { ShopDirectory } from '../shops/directory';
import type { Figures } from './router-model';

/** The gauges with one value per queue: name, help, and the value from the queue's figures. */
const PER_QUEUE: [string, string, (f: Figures) => number][] = [
  ['tsunagu_call_queue_waiting', 'Callers waiting now, per shop / listening line', (f) => f.waitingNow],
  ['tsunagu_call_callbacks_waiting', 'Callback requests waiting, per shop', (f) => f.callbacksWaiting],
  [
    'tsunagu_call_average_speed_of_answer_seconds',
    'Average wait before answer over the last 24 h',
    (f) => f.averageSpeedOfAnswerMs / 1000,
  ],
  [
    'tsunagu_call_abandonment_ratio',
    'Share of callers who hung up before being answered (last 24 h)',
    (f) => f.abandonmentRate,
  ],
  [
    'tsunagu_call_answered_within_20s_ratio',
    'Share of answered calls answered within 20 s (last 24 h)',
    (f) => f.answeredWithinServiceLevelShare,
  ],
];

/** `figures`: the queue's figures, or null on a hub that does not run the router (several hubs). */
export function registerCallMetrics(
  registry: Registry,
  figures: (shopId: number) => Figures | null,
  shops: ShopDirectory,
): void {
  const registers = [registry];
  const perQueue = (name: string, help: string, value: (f: Figures) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['shop'],
      registers,
      collect() {
        this.reset();
        for (const s of shops.list()) {
          const f = figures(s.id);
          if (f) this.set({ shop: String(s.id) }, value(f));
        }
      },
    });
  for (const [name, help, value] of PER_QUEUE) perQueue(name, help, value);
  new Gauge({
    name: 'tsunagu_call_operator_answered',
    help: 'Calls answered per operator over the last 24 h',
    labelNames: ['shop', 'operator'],
    registers,
    collect() {
      this.reset();
      for (const s of shops.list())
        for (const c of figures(s.id)?.callsPerOperator ?? [])
          this.set({ shop: String(s.id), operator: String(c.operatorId) }, c.answered);
    },
  });
}
