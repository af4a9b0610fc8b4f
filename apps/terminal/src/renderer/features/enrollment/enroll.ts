// Exchanges the one-time enrollment code for this terminal's credential (POST /api/terminals/enroll).
import { ENROLLMENT_CODE_LENGTH, type EnrollResponse, ErrorCodes } from '@tsunagu/protocol';

/** Catalogue keys under enrollment.errors: one per thing the resident can do about it. */
export type EnrollFailure = 'invalid' | 'expired' | 'used' | 'rateLimited' | 'network' | 'unknown';

export type EnrollOutcome = { ok: true; data: EnrollResponse } | { ok: false; failure: EnrollFailure };

export function failureFor(code: unknown): EnrollFailure {
  switch (code) {
    case ErrorCodes.ENROLLMENT_CODE_INVALID:
    case ErrorCodes.VALIDATION_FAILED:
      return 'invalid';
    case ErrorCodes.ENROLLMENT_CODE_EXPIRED:
      return 'expired';
    case ErrorCodes.ENROLLMENT_CODE_USED:
      return 'used';
    case ErrorCodes.RATE_LIMITED:
      return 'rateLimited';
    default:
      return 'unknown';
  }
}

export function isCompleteCode(code: string): boolean {
  return new RegExp(`^[0-9]{${ENROLLMENT_CODE_LENGTH}}$`).test(code);
}

function isEnrollResponse(v: unknown): v is EnrollResponse {
  const r = v as Partial<EnrollResponse> | null;
  return (
    !!r &&
    typeof r.credential === 'string' &&
    r.credential.length > 0 &&
    typeof r.terminalId === 'number' &&
    typeof r.householdId === 'number'
  );
}

export async function enroll(
  hubBase: string,
  code: string,
  fetchImpl: typeof fetch = fetch,
  timeoutMs = 15_000,
): Promise<EnrollOutcome> {
  let response: Response;
  try {
    response = await fetchImpl(new URL('api/terminals/enroll', hubBase).href, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { ok: false, failure: 'network' };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return isEnrollResponse(body) ? { ok: true, data: body } : { ok: false, failure: 'unknown' };
  if (response.status === 429) return { ok: false, failure: 'rateLimited' };
  const code_ = (body as { error?: { code?: unknown } } | null)?.error?.code;
  if (response.status >= 500 && code_ === undefined) return { ok: false, failure: 'network' };
  return { ok: false, failure: failureFor(code_) };
}
