/** Who is sending: a person, or a machine with the policy city hall set for its API key. */
import type { SenderPolicy, SenderPolicyBody } from '@tsunagu/protocol';
import type { Clock } from '../../lib/clock';
import { forbidden, notFound } from '../../lib/errors';
import { actorName, type Principal } from '../../lib/principal';
import type { Sender } from './policy';
import type { SenderPolicyRecord, SendersStore } from './sender-store';

export interface Senders {
  /** The sender a request comes from (an API key without a policy is held: 'hold'). */
  of(principal: Principal | null): Promise<Sender>;
  /** The CAP `<sender>` an API key speaks for (null: none set, so it may not use the CAP gateway). */
  capSenderOf(apiKeyId: number): Promise<string | null>;
  list(): Promise<SenderPolicy[]>;
  set(apiKeyId: number, body: SenderPolicyBody, by: string): Promise<SenderPolicy>;
}

const view = (p: SenderPolicyRecord): SenderPolicy => ({ ...p, updatedAt: new Date(p.updatedAt).toISOString() });

export function createSenders(
  store: SendersStore,
  deps: { clock: Clock; apiKeyExists(id: number): Promise<boolean> },
): Senders {
  return {
    async of(principal) {
      const name = actorName(principal);
      if (principal?.kind === 'user') return { kind: 'person', name };
      if (principal?.kind !== 'apikey') throw forbidden('Only city hall staff and their API keys send announcements.');
      return { kind: 'machine', name, publish: (await store.get(principal.apiKeyId))?.publish ?? 'hold' };
    },
    capSenderOf: async (apiKeyId) => (await store.get(apiKeyId))?.capSender ?? null,
    list: async () => (await store.list()).map(view),
    async set(apiKeyId, body, by) {
      if (!(await deps.apiKeyExists(apiKeyId))) throw notFound('API key');
      return view(await store.set({ apiKeyId, ...body, updatedBy: by, updatedAt: deps.clock.now() }));
    },
  };
}
