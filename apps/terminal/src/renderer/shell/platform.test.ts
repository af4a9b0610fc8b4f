import { PROTOCOL_VERSION, type TerminalProfile } from '@tsunagu/protocol';
import { adoptCredentialFromLink, decodeRememberedProfile, encodeRememberedProfile, resolveHubBase } from './platform';

describe('resolveHubBase', () => {
  it('takes the hub to be one level above /terminal/', () => {
    expect(resolveHubBase('http://127.0.0.1:3000/terminal/')).toBe('http://127.0.0.1:3000/');
    expect(resolveHubBase('http://127.0.0.1:3000/terminal/index.html')).toBe('http://127.0.0.1:3000/');
    expect(resolveHubBase('https://city.example/tsunagu/terminal/')).toBe('https://city.example/tsunagu/');
  });

  it('honours an explicit override, and ?hub= in a development build', () => {
    expect(resolveHubBase('http://localhost:5173/terminal/?hub=http://10.0.0.2:3000', null, true)).toBe(
      'http://10.0.0.2:3000/',
    );
    expect(resolveHubBase('file:///opt/tsunagu/index.html', 'http://hub.local:3000')).toBe('http://hub.local:3000/');
  });

  it('ignores ?hub= in a production build: a link must not send the terminal (and its credential) elsewhere', () => {
    expect(resolveHubBase('https://city.example/terminal/?hub=https://evil.example/')).toBe('https://city.example/');
    expect(resolveHubBase('https://city.example/terminal/?hub=https://evil.example/', null, false)).toBe(
      'https://city.example/',
    );
  });
});

describe('adoptCredentialFromLink', () => {
  const memoryStorage = () => {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
      clear: () => m.clear(),
      key: () => null,
      length: 0,
      m,
    };
  };

  it('stores a demo credential from the link', () => {
    const store = memoryStorage();
    expect(adoptCredentialFromLink({ hash: '#credential=tsd_abcdefghijklmnopqrstuvwxyz012345' }, store)).toBe(true);
    expect([...store.m.values()]).toEqual(['tsd_abcdefghijklmnopqrstuvwxyz012345']);
  });

  it('ignores anything that is not a device credential', () => {
    const store = memoryStorage();
    for (const hash of [
      '',
      '#',
      '#credential=',
      '#credential=tsk_abcdefghijklmnopqrstuvwxyz',
      '#credential=tsd_<script>alert(1)</script>xxxxxxxx',
      '#other=1',
    ]) {
      expect(adoptCredentialFromLink({ hash }, store)).toBe(false);
    }
    expect(store.m.size).toBe(0);
  });

  it('forgets the remembered profile when the link brings another credential, keeps it for the same one', () => {
    const store = memoryStorage();
    const same = '#credential=tsd_abcdefghijklmnopqrstuvwxyz012345';
    adoptCredentialFromLink({ hash: same }, store);
    store.setItem('tsunagu.terminal.profile', 'kept');
    adoptCredentialFromLink({ hash: same }, store);
    expect(store.getItem('tsunagu.terminal.profile')).toBe('kept');
    adoptCredentialFromLink({ hash: '#credential=tsd_zyxwvutsrqponmlkjihgfedcba543210' }, store);
    expect(store.getItem('tsunagu.terminal.profile')).toBeNull();
  });
});

describe('the remembered profile', () => {
  // A household with a shop and the listening line.
  const profile: TerminalProfile = {
    terminalId: 12,
    householdId: 40,
    householdName: '佐藤',
    language: 'en',
    districtId: 2,
    shops: [
      { id: 4, name: '川村青果', category: 'greengrocer', kind: 'shop' },
      { id: 9, name: '傾聴ボランティア', category: 'listening', kind: 'listening' },
    ],
  };

  it('reads back what it wrote', () => {
    expect(decodeRememberedProfile(encodeRememberedProfile(profile))).toEqual(profile);
  });

  it('is no profile when damaged, of another protocol version, or not of the shape home is drawn from', () => {
    const wrap = (p: unknown, v: unknown = PROTOCOL_VERSION) => JSON.stringify({ protocolVersion: v, profile: p });
    for (const raw of [
      null,
      '',
      '{',
      'null',
      wrap(profile, 'another'),
      wrap(null),
      wrap({ ...profile, householdName: 5 }),
      wrap({ ...profile, shops: null }),
      wrap({ ...profile, shops: [{ id: '1', name: 'x', category: 'c', kind: 'shop' }] }),
      wrap({ ...profile, shops: [null] }),
    ]) {
      expect(decodeRememberedProfile(raw)).toBeNull();
    }
  });
});
