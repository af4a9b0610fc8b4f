// The Socket.IO namespaces' names, in a module without schemas: the terminal's first screen needs the
// name to connect, not the event table (events.ts) that would bring TypeBox with it.
export const TERMINAL_NAMESPACE = '/terminal' as const;
export const STAFF_NAMESPACE = '/staff' as const;
