/** The drill the fleet publishes and the baselines send: the same words everywhere. */
import type { CreateAnnouncementBody, TerminalAnnouncement } from '@tsunagu/protocol';

/** A drill to the whole city: the largest fan-out there is (a drill is sent as "important"). */
/** What the drill says: the same words whether sent through the API, stored directly or sent as a baseline. */
export function drillWording(label = 'fleet') {
  return {
    kind: 'important' as const,
    test: true,
    titleJa: `【訓練】避難情報の配信試験（${label}）`,
    bodyJa:
      'これは訓練です。大雨のため、市内全域に避難指示が出たという想定で、配信の速さを測っています。実際の避難は必要ありません。',
    titleEn: `[Drill] Evacuation alert delivery test (${label})`,
    bodyEn:
      'This is a drill. We are measuring how fast an evacuation order for the whole city reaches every home. No action is needed.',
  };
}

export function drillAnnouncement(label = 'fleet'): CreateAnnouncementBody {
  return { ...drillWording(label), target: { type: 'all' } };
}

/** The payload a terminal receives for an announcement, for baselines that send "the same thing". */
export function samplePayload(id = 1): TerminalAnnouncement {
  return {
    id,
    version: 1,
    ...drillWording('baseline'),
    hasAudio: false,
    safetyCheck: false,
    publishedAt: new Date().toISOString(),
    expiresAt: null,
    acknowledged: false,
    safetyAnswer: null,
  };
}
