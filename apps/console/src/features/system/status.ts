/** The hub's readiness checks for city hall: loaded once, then kept current by the hub's pushes. */
import type { HealthCheckReport, SystemStatus } from '@tsunagu/protocol';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useState } from 'react';
import { useStaffEvent, useStaffReconnect } from '../../api/socket';
import { useSession } from '../../session';

export function useSystemStatus(enabled = true): { status: SystemStatus | null; error: unknown } {
  const { api } = useSession();
  const [status, setStatus] = useState<SystemStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    if (!enabled) return;
    api.call('GET /api/system/status').then(
      (s) => {
        setStatus(s);
        setError(null);
      },
      (err: unknown) => setError(err),
    );
  }, [api, enabled]);
  useEffect(load, [load]);
  useStaffReconnect(load);
  useStaffEvent('system:statusChanged', (s) => enabled && setStatus(s));
  return { status, error };
}

/** A check's name in words (a module's check without words yet keeps its own name). */
export function checkName(t: TFunction, name: string): string {
  const key = `system.checks.${name}`;
  return t(key, { defaultValue: name });
}

/** Why a check is in its status, in words. */
export function reasonText(t: TFunction, check: HealthCheckReport): string {
  if (check.status === 'ok') return t('system.reasons.ok');
  return t(`system.reasons.${check.reason ?? 'other'}`, { defaultValue: t('system.reasons.other') });
}

export function formatBytes(t: TFunction, bytes: number): string {
  const GiB = 1024 ** 3;
  if (bytes >= GiB) return t('system.bytes.gb', { n: (bytes / GiB).toFixed(1) });
  return t('system.bytes.mb', { n: Math.floor(bytes / 1024 ** 2) });
}

/** What the storage banner says: null while storing works and space is not low. */
export function bannerOf(
  status: SystemStatus | null,
): { kind: 'disk_full' | 'other' | 'low'; freeBytes?: number } | null {
  if (!status) return null;
  const database = status.checks.find((c) => c.name === 'database');
  const disk = status.checks.find((c) => c.name === 'disk');
  if (disk?.status === 'fail' || database?.reason === 'disk_full') return { kind: 'disk_full' };
  if (database?.status === 'fail') return { kind: 'other' };
  if (disk?.status === 'warn' && disk.values?.freeBytes !== undefined)
    return { kind: 'low', freeBytes: disk.values.freeBytes };
  return null;
}
