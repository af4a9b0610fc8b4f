import { createFakeClock } from './fake-clock';
import { createWatchdog } from './watchdog';

function setup() {
  const clock = createFakeClock(1_000_000);
  const reload = jest.fn();
  const restartApp = jest.fn();
  const watchdog = createWatchdog({
    clock,
    reload,
    restartApp,
    maxFailures: 3,
    failureWindowMs: 60_000,
    unresponsiveGraceMs: 5_000,
    loadRetryMs: 10_000,
  });
  return { clock, reload, restartApp, watchdog };
}

describe('renderer watchdog', () => {
  it('reloads a crashed renderer', () => {
    const { watchdog, reload, restartApp } = setup();
    watchdog.onRenderProcessGone({ reason: 'crashed', exitCode: 139 });
    expect(reload).toHaveBeenCalledTimes(1);
    expect(restartApp).not.toHaveBeenCalled();
  });

  it('restarts the app after repeated failures within the window', () => {
    const { watchdog, reload, restartApp, clock } = setup();
    watchdog.onRenderProcessGone({ reason: 'crashed' });
    clock.advance(10_000);
    watchdog.onRenderProcessGone({ reason: 'oom' });
    clock.advance(10_000);
    watchdog.onRenderProcessGone({ reason: 'crashed' });
    expect(reload).toHaveBeenCalledTimes(2);
    expect(restartApp).toHaveBeenCalledTimes(1);
    // Once restarting, nothing else happens.
    watchdog.onRenderProcessGone({ reason: 'crashed' });
    expect(restartApp).toHaveBeenCalledTimes(1);
  });

  it('forgets failures older than the window', () => {
    const { watchdog, reload, restartApp, clock } = setup();
    for (let i = 0; i < 6; i++) {
      watchdog.onRenderProcessGone({ reason: 'crashed' });
      clock.advance(40_000);
    }
    expect(reload).toHaveBeenCalledTimes(6);
    expect(restartApp).not.toHaveBeenCalled();
  });

  it('reloads an unresponsive renderer after the grace period unless it recovers', () => {
    const { watchdog, reload, clock } = setup();
    watchdog.onUnresponsive();
    clock.advance(4_999);
    watchdog.onResponsive();
    clock.advance(10_000);
    expect(reload).not.toHaveBeenCalled();

    watchdog.onUnresponsive();
    watchdog.onUnresponsive();
    clock.advance(5_000);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('counts hangs and crashes together toward a restart', () => {
    const { watchdog, restartApp, clock } = setup();
    watchdog.onUnresponsive();
    clock.advance(5_000);
    watchdog.onRenderProcessGone({ reason: 'crashed' });
    watchdog.onUnresponsive();
    clock.advance(5_000);
    expect(restartApp).toHaveBeenCalledTimes(1);
  });

  it('retries a failed page load without counting it as a failure', () => {
    const { watchdog, reload, restartApp, clock } = setup();
    for (let i = 0; i < 5; i++) {
      watchdog.onLoadFailed(-105, true);
      clock.advance(10_000);
    }
    expect(reload).toHaveBeenCalledTimes(5);
    expect(restartApp).not.toHaveBeenCalled();
    watchdog.onLoadFailed(-3, true); // aborted navigation
    watchdog.onLoadFailed(-105, false); // a subframe
    clock.advance(60_000);
    expect(reload).toHaveBeenCalledTimes(5);
  });

  it('does nothing once stopped for a deliberate quit', () => {
    const { watchdog, reload, restartApp, clock } = setup();
    watchdog.onUnresponsive();
    watchdog.stop();
    watchdog.onRenderProcessGone({ reason: 'killed' });
    clock.advance(60_000);
    expect(reload).not.toHaveBeenCalled();
    expect(restartApp).not.toHaveBeenCalled();
  });
});
