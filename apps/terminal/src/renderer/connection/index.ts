export { AckErrorCodes, ackWithTimeout, type CommandEvent, type CommandPayload, type CommandResult } from './ack';
export { backoffDelay, OUTDATED_RETRY, RECONNECT, socketIoReconnectOptions } from './backoff';
export { ConnectionContext, useConnection, useSocketEvent } from './ConnectionContext';
export {
  type ConnectionEvents,
  type ConnectionStatus,
  classifyRefusal,
  HEARTBEAT_MS,
  TerminalConnection,
  type TerminalSocket,
} from './connection';
