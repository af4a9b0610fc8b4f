/** The queues' figures for /metrics (Prometheus gauges, read from the router when scraped). */
import { Gauge, type Registry } from 'prom-client';
import type { ShopsStore } from '../shops/store';
import type { CallRouter } from './router';

export function registerCallMetrics(registry: Registry, router: CallRouter, shops: ShopsStore): void {
  const registers = [registry];
  const perQueue = (name: string, help: string, value: (shopId: number) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['shop'],
      registers,
      collect() {
        this.reset();
        for (const s of shops.list()) this.set({ shop: String(s.id) }, value(s.id));
      },
    });
  perQueue(
    'tsunagu_call_queue_waiting',
    'Callers waiting now, per shop / listening line',
    (id) => router.figures(id).waitingNow,
  );
  perQueue(
    'tsunagu_call_callbacks_waiting',
    'Callback requests waiting, per shop',
    (id) => router.figures(id).callbacksWaiting,
  );
  perQueue(
    'tsunagu_call_average_speed_of_answer_seconds',
    'Average wait before answer over the last 24 h',
    (id) => router.figures(id).averageSpeedOfAnswerMs / 1000,
  );
  perQueue(
    'tsunagu_call_abandonment_ratio',
    'Share of callers who hung up before being answered (last 24 h)',
    (id) => router.figures(id).abandonmentRate,
  );
  perQueue(
    'tsunagu_call_answered_within_20s_ratio',
    'Share of answered calls answered within 20 s (last 24 h)',
    (id) => router.figures(id).answeredWithinServiceLevelShare,
  );
  new Gauge({
    name: 'tsunagu_call_operator_answered',
    help: 'Calls answered per operator over the last 24 h',
    labelNames: ['shop', 'operator'],
    registers,
    collect() {
      this.reset();
      for (const s of shops.list())
        for (const c of router.figures(s.id).callsPerOperator)
          this.set({ shop: String(s.id), operator: String(c.operatorId) }, c.answered);
    },
  });
}
