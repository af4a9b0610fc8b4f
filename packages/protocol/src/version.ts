/**
 * Bumped whenever a change to events or payloads would break an older terminal or console.
 * Terminals announce it when they connect; the hub refuses a mismatch with a reason.
 */
export const PROTOCOL_VERSION = 1;
