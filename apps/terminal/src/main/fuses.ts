/**
 * Electron fuses for production builds, flipped in the packaged binary by after-pack.ts. Keyed by the
 * `FuseV1Options` member names of @electron/fuses so this module has no build-time dependency.
 */
export const PRODUCTION_FUSES = {
  // The binary must not double as a general Node.js interpreter (ELECTRON_RUN_AS_NODE).
  RunAsNode: false,
  // Cookies (the hub session) are encrypted with the same OS key as safeStorage.
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect would let anyone with a shell inject code into main.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // Only run the app.asar we shipped, never a loose app/ folder dropped next to it. Integrity
  // validation is enforced by Electron on macOS and Windows only; on Linux it is a no-op kept for parity.
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The kiosk loads the hub over https; file:// needs no extra powers.
  GrantFileProtocolExtraPrivileges: false,
} as const satisfies Record<string, boolean>;

export type FuseName = keyof typeof PRODUCTION_FUSES;
