import { IpcChannel, IpcErrorCode } from '../common/ipc';
import { createIpcDispatcher, createSenderCheck, IpcError, type IpcHandlers, registerIpcHandlers } from './ipc';

const HUB = 'https://hub.example.city';
const mainFrame = { url: `${HUB}/terminal/` };
const contents = { id: 7, mainFrame };
const fromHub = { sender: { id: 7 }, senderFrame: mainFrame } as never;

function setup() {
  const handlers: IpcHandlers = {
    'credential:get': jest.fn(() => 'secret'),
    'credential:set': jest.fn(),
    'credential:clear': jest.fn(),
    'profile:get': jest.fn(() => null),
    'profile:set': jest.fn(),
    'enrollment:takeCode': jest.fn(() => null),
    'display:setKeepAwake': jest.fn(),
    'audio:setAlertVolume': jest.fn(),
    'config:getHubUrl': jest.fn(() => HUB),
    'app:restart': jest.fn(),
  };
  const log = jest.fn();
  const dispatch = createIpcDispatcher(
    handlers,
    createSenderCheck(() => contents, HUB),
    log,
  );
  return { handlers, dispatch, log };
}

describe('IPC sender check', () => {
  const check = createSenderCheck(() => contents, HUB);
  it('trusts only the main frame of our window on the hub origin', () => {
    expect(check(fromHub)).toBe(true);
    expect(check({ sender: { id: 8 }, senderFrame: mainFrame } as never)).toBe(false);
    expect(check({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/' } } as never)).toBe(false);
    expect(check({ sender: { id: 7 }, senderFrame: null } as never)).toBe(false);
    const iframe = { url: `${HUB}/terminal/frame` };
    expect(check({ sender: { id: 7 }, senderFrame: iframe } as never)).toBe(false);
  });
  it('trusts nothing before the window exists', () => {
    expect(createSenderCheck(() => null, HUB)(fromHub)).toBe(false);
  });
});

describe('IPC dispatcher', () => {
  it('accepts a good payload from the hub page', async () => {
    const { dispatch, handlers } = setup();
    await expect(dispatch(IpcChannel.setKeepAwake, fromHub, ['call', true])).resolves.toEqual({
      ok: true,
      data: undefined,
    });
    expect(handlers['display:setKeepAwake']).toHaveBeenCalledWith('call', true);
    await expect(dispatch(IpcChannel.getCredential, fromHub, [])).resolves.toEqual({ ok: true, data: 'secret' });
  });

  it('rejects a sender from another origin without running the handler', async () => {
    const { dispatch, handlers, log } = setup();
    const evil = { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/' } } as never;
    const reply = await dispatch(IpcChannel.getCredential, evil, []);
    expect(reply).toMatchObject({ ok: false, error: { code: IpcErrorCode.FORBIDDEN_SENDER } });
    expect(handlers['credential:get']).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalled();
  });

  it.each([
    [IpcChannel.setKeepAwake, ['party', true]],
    [IpcChannel.setKeepAwake, ['call']],
    [IpcChannel.setKeepAwake, ['call', 'yes']],
    [IpcChannel.setCredential, [42]],
    [IpcChannel.setCredential, ['']],
    [IpcChannel.setCredential, ['has space']],
    [IpcChannel.setCredential, ['x'.repeat(201)]],
    [IpcChannel.getCredential, ['extra']],
  ])('rejects a bad payload on %s: %j', async (channel, args) => {
    const { dispatch, handlers } = setup();
    const reply = await dispatch(channel, fromHub, args);
    expect(reply).toMatchObject({ ok: false, error: { code: IpcErrorCode.INVALID_PAYLOAD } });
    for (const handler of Object.values(handlers)) expect(handler).not.toHaveBeenCalled();
  });

  it('reports handler failures as data with a stable code', async () => {
    const { dispatch, handlers } = setup();
    (handlers['credential:set'] as jest.Mock).mockImplementation(() => {
      throw new IpcError(IpcErrorCode.ENCRYPTION_UNAVAILABLE, 'no keyring');
    });
    (handlers['credential:get'] as jest.Mock).mockImplementation(() => {
      throw new Error('disk on fire');
    });
    expect(await dispatch(IpcChannel.setCredential, fromHub, ['abc'])).toEqual({
      ok: false,
      error: { code: IpcErrorCode.ENCRYPTION_UNAVAILABLE, message: 'no keyring' },
    });
    expect(await dispatch(IpcChannel.getCredential, fromHub, [])).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('registers one handler per channel and can remove them', async () => {
    const { dispatch } = setup();
    const ipcMain = { handle: jest.fn(), removeHandler: jest.fn() };
    const unregister = registerIpcHandlers(ipcMain, dispatch);
    const channels = ipcMain.handle.mock.calls.map(([channel]) => channel);
    expect(channels.sort()).toEqual(Object.values(IpcChannel).sort());
    const setKeepAwake = ipcMain.handle.mock.calls.find(([c]) => c === IpcChannel.setKeepAwake)?.[1];
    await expect(setKeepAwake(fromHub, 'alert', false)).resolves.toEqual({ ok: true, data: undefined });
    unregister();
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(channels.length);
  });
});
