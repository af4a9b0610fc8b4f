/**
 * The terminal shell: decides which screen to show from three facts — is this terminal enrolled,
 * is the hub reachable, where was the resident — and makes every change audible.
 */
import type { EnrollResponse, TerminalProfile } from '@tsunagu/protocol';
import { isUiLanguage, type UiLanguage, UiStyles } from '@tsunagu/ui';
import type { i18n as I18n } from 'i18next';
import { type ReactElement, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConnectionContext, type ConnectionEvents, type ConnectionStatus, TerminalConnection } from './connection';
import { type StartFacts, startEarly } from './connection/early';
import { AnnouncementsLayer } from './features/announcements/AnnouncementsLayer';
import { AnnouncementArchive } from './features/announcements/archive';
import { CallsLayer } from './features/calls/CallsLayer';
import { callTitleKey } from './features/calls/title';
import { CheckinBackground } from './features/checkin/CheckinBackground';
import { DeviceLayer } from './features/device/DeviceLayer';
import { HomeScreen } from './features/home/HomeScreen';
import { OfflineScreen } from './features/offline/OfflineScreen';
import { OrdersLayer } from './features/orders/OrdersLayer';
import { cityHallPhone, type Platform, rememberedRoute, rememberLanguage, rememberRoute } from './shell/platform';
import { HOME, type Route, routeKey } from './shell/routes';
import {
  AnnouncementsScreen,
  CallScreen,
  CheckinScreen,
  EnrollmentScreen,
  HelpScreen,
  preloadScreens,
  ScreenLoading,
  ShopChooserScreen,
} from './shell/screens';
import { terminalCss } from './shell/styles';
import { announcementJob } from './sound/announce';
import { SoundArbiter, type SoundLevel } from './sound/arbiter';
import { type Announcement, type Sound, SoundContext } from './sound/SoundContext';
import { createTerminalState, type TerminalState, TerminalStateContext } from './state/TerminalState';

function localStore(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export interface AppProps {
  platform: Platform;
  i18n: I18n;
  /** Read (and connecting) before React loaded (index.tsx, boot.tsx); read here when absent. */
  facts?: StartFacts;
}

export function App({ platform, i18n, facts }: AppProps): ReactElement {
  const { t } = useTranslation();
  const [hubBase, setHubBase] = useState<string | null>(facts?.hubBase ?? null);
  // undefined: still reading storage (or the installer's code, before enrollment); null: not enrolled.
  const [credential, setCredential] = useState<string | null | undefined>(facts?.credential ?? undefined);
  const [presetCode, setPresetCode] = useState<string | null>(null);
  const [connection, setConnection] = useState<TerminalConnection | null>(null);
  // Where the entry's connection has got to (the hub may have answered before React loaded).
  const heard = useRef(facts?.early?.peek()).current;
  const [status, setStatus] = useState<ConnectionStatus>(heard?.status ?? 'connecting');
  const [profile, setProfile] = useState<TerminalProfile | null>(heard?.profile ?? null);
  // The household's profile from the last start: home is drawn from it while the hub answers (a
  // kiosk restarts with its stored credential; residents should not wait for the hub to see home).
  const [remembered, setRemembered] = useState<TerminalProfile | null>(facts?.profile ?? null);
  const [route, setRouteState] = useState<Route>(() => rememberedRoute() ?? HOME);
  // While the hub cannot be reached: the offline screen, or the kept announcements played again.
  const [offlineView, setOfflineView] = useState<'offline' | 'announcements'>('offline');
  const [lastSpoken, setLastSpoken] = useState('');
  // Made in the first render when the facts are already known, so that render can be home; the
  // effect below adopts it (and makes the next one after an enrollment or a refused credential).
  const firstTerminal = useRef<{ state: TerminalState; hubBase: string; credential: string } | null | undefined>(
    undefined,
  );
  if (firstTerminal.current === undefined)
    firstTerminal.current = facts?.credential
      ? {
          state: newTerminalState(facts.hubBase, facts.credential, platform),
          hubBase: facts.hubBase,
          credential: facts.credential,
        }
      : null;
  const [terminal, setTerminal] = useState<TerminalState | null>(firstTerminal.current?.state ?? null);
  // Online and the online layers mounted (their effects ran): a call can be asked for.
  const [hubListening, setHubListening] = useState(false);
  const phone = useRef(cityHallPhone()).current;
  const arbiter = useRef(new SoundArbiter()).current;
  const emergencyActive = useEmergencyOn(terminal);

  const language: UiLanguage = isUiLanguage(i18n.language) ? i18n.language : 'ja';
  const sound: Sound = useMemo(
    () => ({
      arbiter,
      announce: (a: Announcement, level: SoundLevel = 'ui') => {
        setLastSpoken(a.text);
        void arbiter.play(announcementJob(a, language, level));
      },
    }),
    [arbiter, language],
  );
  const announce = sound.announce;
  const setRoute = useCallback((next: Route) => {
    rememberRoute(next);
    setRouteState(next);
  }, []);

  const rememberedJson = useRef<string | null>(facts?.profile ? JSON.stringify(facts.profile) : null);
  const started = useRef(false);
  const early = useRef<StartFacts['early']>(facts?.early ?? null);
  useEffect(() => {
    // Once only: the installer's code is consumed as it is read.
    if (started.current) return;
    started.current = true;
    void (async () => {
      if (facts) {
        if (facts.credential) return;
        setPresetCode(await platform.takeEnrollmentCode());
        setCredential(null);
        return;
      }
      const read = await startEarly(platform, { connect: false });
      early.current = read.early;
      setRemembered(read.profile);
      rememberedJson.current = read.profile ? JSON.stringify(read.profile) : null;
      setHubBase(read.hubBase);
      if (!read.credential) setPresetCode(await platform.takeEnrollmentCode());
      setCredential(read.credential);
    })();
  }, [platform, facts]);

  const forgetCredential = useCallback(async () => {
    // (The remembered profile goes with the credential.)
    await platform.clearCredential().catch(() => undefined);
    setProfile(null);
    setRemembered(null);
    setRoute(HOME);
    setStatus('connecting');
    setCredential(null);
  }, [platform, setRoute]);

  // The terminal's state is made at once; its kept copy (IndexedDB) opens alongside and fills the
  // inbox when ready. Nothing waits for it: with the hub gone, the offline screen must show within
  // seconds, and opening IndexedDB on a busy device can take most of them. An unacknowledged
  // emergency from before a reload or power cut takes over as soon as the copy is read.
  useEffect(() => {
    if (!credential || !hubBase) {
      setTerminal(null);
      return;
    }
    const first = firstTerminal.current;
    firstTerminal.current = null;
    const state =
      first && first.hubBase === hubBase && first.credential === credential
        ? first.state
        : newTerminalState(hubBase, credential, platform);
    if (first && state !== first.state) disposeTerminalState(first.state);
    setTerminal(state);
    return () => disposeTerminalState(state);
  }, [credential, hubBase, platform]);

  useEffect(() => {
    if (!credential || !hubBase) return;
    const events: ConnectionEvents = {
      status: setStatus,
      profile: (p) => {
        if (isUiLanguage(p.language) && p.language !== i18n.language) {
          void i18n.changeLanguage(p.language);
          document.documentElement.lang = p.language;
        }
        rememberLanguage(p.language);
        setProfile(p);
        // Kept for the next start, where the credential is kept (only when it changed: in the kiosk a write is a round trip and an encryption).
        const json = JSON.stringify(p);
        if (json !== rememberedJson.current) {
          rememberedJson.current = json;
          void platform.rememberProfile(p).catch(() => undefined);
        }
      },
      credentialRejected: () => void forgetCredential(),
    };
    // The connection the page's entry opened before React loaded, when it is for these; else a new one.
    let conn = early.current?.take(hubBase, credential, events) ?? null;
    if (!conn) {
      conn = new TerminalConnection({ hubBase, credential, appVersion: platform.appVersion, events });
      conn.start();
    }
    setConnection(conn);
    return () => {
      conn.stop();
      setConnection(null);
    };
  }, [credential, hubBase, i18n, forgetCredential, platform]);

  const onEnrolled = useCallback(
    async (result: EnrollResponse) => {
      await platform.setCredential(result.credential);
      setRemembered(null);
      rememberedJson.current = null;
      setStatus('connecting');
      setRoute(HOME);
      setCredential(result.credential);
    },
    [platform, setRoute],
  );
  useEffect(() => {
    if (status === 'online') setOfflineView('offline');
  }, [status]);

  // What home is drawn from: the hub's profile once it came; until then, while the first
  // connection is being made (never once the hub was found unreachable), the remembered one.
  const shown = profile ?? (status === 'connecting' || status === 'online' ? remembered : null);
  const homeReady = shown !== null && (status === 'online' || status === 'connecting');

  // Which screen is showing, as a key (for announcements) and an element.
  let key: string;
  let screen: ReactElement | null;
  let spoken: Announcement | null = null;
  const goHome = () => setRoute(HOME);

  if (credential === undefined || hubBase === null || (credential !== null && terminal === null)) {
    key = 'loading';
    screen = null;
  } else if (credential === null) {
    key = 'enrollment';
    screen = (
      <EnrollmentScreen
        hubBase={hubBase}
        phone={phone}
        presetCode={presetCode}
        onEnrolled={onEnrolled}
        announce={announce}
      />
    );
    spoken = { text: t('enrollment.spokenStart'), tone: 'chime' };
  } else if (!homeReady && offlineView === 'announcements') {
    // The hub is away: what the terminal kept is played again from here.
    key = 'offline:announcements';
    screen = <AnnouncementsScreen onBack={() => setOfflineView('offline')} />;
    spoken = { text: t('announcements.spoken'), tone: 'chime' };
  } else if (!homeReady) {
    const kind = status === 'online' ? 'connecting' : status;
    key = `offline:${kind}`;
    screen = (
      <OfflineScreen
        kind={kind}
        phone={phone}
        canCheckIn={kind === 'offline'}
        onAnnouncements={kind === 'offline' ? () => setOfflineView('announcements') : undefined}
      />
    );
    if (kind === 'offline') spoken = { text: `${t('offline.body')} ${t('offline.whatToDo')}`, tone: 'disconnected' };
    if (kind === 'outdated') spoken = { text: t('offline.outdatedBody'), tone: 'error' };
  } else if (!hubListening && (route.name === 'call' || route.name === 'help')) {
    // Home drawn from the remembered profile and the hub not there yet (or its listeners not yet
    // mounted): a call or a request for help needs it. The resident is told it is connecting; the
    // screen they asked for follows by itself. (Silent for the one frame between online and the
    // listeners, so the call's own words are not preceded by a stale "connecting".)
    key = `${routeKey(route)}:waiting`;
    screen = <OfflineScreen kind="connecting" phone={phone} onBack={goHome} />;
    if (status !== 'online') spoken = { text: t('offline.waitingBody'), tone: 'chime' };
  } else {
    key = routeKey(route);
    // Each screen says its name as it opens (`<screen>.spoken`); a call also says whom it calls.
    spoken = { text: t(`${route.name}.spoken`), tone: 'chime' };
    switch (route.name) {
      case 'home':
        screen = <HomeScreen profile={shown} navigate={setRoute} />;
        break;
      case 'shops':
        screen = <ShopChooserScreen profile={shown} page={route.page} navigate={setRoute} onBack={goHome} />;
        break;
      case 'checkin':
        screen = <CheckinScreen onBack={goHome} />;
        break;
      case 'announcements':
        screen = <AnnouncementsScreen onBack={goHome} />;
        break;
      case 'help':
        screen = <HelpScreen onBack={goHome} />;
        break;
      case 'call': {
        const shop = shown.shops.find((s) => s.id === route.shopId);
        if (!shop) {
          // The shop left the profile while the resident looked at it: go home rather than show a dead screen.
          key = 'home';
          screen = <HomeScreen profile={shown} navigate={setRoute} />;
          spoken = null;
          break;
        }
        const title = callTitleKey(shop);
        screen = <CallScreen shop={shop} onBack={goHome} />;
        spoken = { text: t('call.spoken', { name: t(title.key, { name: title.name }) }), tone: 'chime' };
        break;
      }
    }
  }

  // The home screen is up: fetch the other screens' code while the resident reads it.
  useEffect(() => {
    if (key === 'home') preloadScreens();
  }, [key]);

  const previousKey = useRef<string>('loading');
  useEffect(() => {
    const before = previousKey.current;
    previousKey.current = key;
    if (before === key || !spoken) return;
    // Coming back from an outage sounds different from ordinary navigation, and says so.
    if (before === 'offline:offline' && !key.startsWith('offline')) {
      announce({ text: `${t('offline.reconnected')} ${spoken.text}`, tone: 'reconnected' });
    } else if (before === 'enrollment' || (before === 'offline:connecting' && key === 'home')) {
      // The success tone was already played by enrollment, or this is the first arrival: speak without a second sound.
      announce({ text: spoken.text, tone: before === 'enrollment' ? 'success' : 'chime' });
    } else {
      announce(spoken);
    }
  });

  const online = credential && terminal && status === 'online';
  // The features that listen while online are mounted (their effects ran before this one): hand
  // them what the early connection heard before they listened.
  useEffect(() => {
    if (online && connection && early.current?.connection === connection) early.current.release();
    setHubListening(Boolean(online && connection));
  }, [online, connection]);
  return (
    <SoundContext.Provider value={sound}>
      <TerminalStateContext.Provider value={terminal}>
        <ConnectionContext.Provider value={connection}>
          <UiStyles />
          {online ? <CheckinBackground /> : null}
          <style>{terminalCss}</style>
          {/* An emergency takes over: what is underneath cannot be reached until it is acknowledged. */}
          <div key={key} data-screen={key} style={{ height: '100%' }} inert={emergencyActive}>
            <Suspense fallback={<ScreenLoading />}>{screen}</Suspense>
          </div>
          {online ? <CallsLayer /> : null}
          {online ? <OrdersLayer /> : null}
          {online ? <DeviceLayer onRestart={platform.restart} /> : null}
          {credential && terminal ? <AnnouncementsLayer /> : null}
          <p className="ts-visually-hidden" role="status" aria-live="polite" data-testid="announcer">
            {lastSpoken}
          </p>
        </ConnectionContext.Provider>
      </TerminalStateContext.Provider>
    </SoundContext.Provider>
  );
}

function newTerminalState(hubBase: string, credential: string, platform: Platform): TerminalState {
  return createTerminalState({
    storage: localStore(),
    archive: AnnouncementArchive.open(),
    hub: { hubBase, credential },
    device: platform.device,
  });
}

function disposeTerminalState(state: TerminalState): void {
  state.clips.dispose();
  void state.archive.then((archive) => archive?.close());
}

/** True while an unacknowledged emergency is in the terminal's inbox. */
function useEmergencyOn(terminal: TerminalState | null): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!terminal) return setOn(false);
    const update = () => setOn(terminal.inbox.pendingEmergency() !== null);
    update();
    return terminal.inbox.subscribe(update);
  }, [terminal]);
  return on;
}
