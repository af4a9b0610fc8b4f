/** Routes of the REST table (api.ts): staff accounts: sign-in, passwords, people, API keys and the audit log. */
import {
  ApiKeyList,
  AuditList,
  AuditQuery,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  CreateUserBody,
  LoginBody,
  RecoveryCodes,
  ResetPasswordBody,
  SessionInfo,
  TwoFactorCodeBody,
  TwoFactorDisableBody,
  TwoFactorSetup,
  UpdateUserBody,
  User,
  UserList,
} from '../accounts';
import { OkResponse } from '../common';
import * as ex from '../examples';
import { onRecord, type RouteKey, type RouteSpec, route } from '../wire';

const apiKey = {
  id: 3,
  name: '防災システム',
  role: 'cityhall',
  prefix: 'tsk_3f9a',
  createdAt: ex.at,
  revokedAt: null,
} as const;

const session = {
  user: ex.user,
  csrfToken: 'b1946ac92492d2347c6235b4d2611184',
  twoFactor: { required: true, enabled: true, recoveryCodesLeft: 9 },
};
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const recoveryCodes = ['K7QF-2M9X-HT4C-W8PZ', 'R3NB-Y6VD-Q2JS-E9LA'];

export const accountsRoutes = {
  // ---- accounts: sign-in, staff accounts, API keys, audit ----------------------------------
  'POST /api/auth/login': route({
    body: LoginBody,
    response: { 200: SessionInfo },
    examples: {
      body: { username: 'sato', password: 'correct-horse-battery', code: '492039' },
      response: { 200: session },
    },
  }),
  'POST /api/auth/logout': route({ response: { 200: OkResponse }, examples: { response: { 200: ex.ok } } }),
  'GET /api/auth/session': route({
    response: { 200: SessionInfo },
    examples: { response: { 200: session } },
  }),
  'POST /api/auth/password': route({
    body: ChangePasswordBody,
    response: { 200: OkResponse },
    examples: { body: { currentPassword: 'old-password', newPassword: 'a-much-longer-one' }, response: { 200: ex.ok } },
  }),
  // ---- two-factor sign-in (authenticator app + recovery codes) -----------------------------
  'POST /api/auth/two-factor/setup': route({
    response: { 200: TwoFactorSetup },
    examples: {
      response: {
        200: {
          secret,
          otpauthUri: `otpauth://totp/Tsunagu:sato?secret=${secret}&issuer=Tsunagu`,
          qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29">…</svg>',
        },
      },
    },
  }),
  'POST /api/auth/two-factor/confirm': route({
    body: TwoFactorCodeBody,
    response: { 200: RecoveryCodes },
    examples: { body: { code: '492039' }, response: { 200: { recoveryCodes } } },
  }),
  'POST /api/auth/two-factor/recovery-codes': route({
    body: TwoFactorCodeBody,
    response: { 200: RecoveryCodes },
    examples: { body: { code: '492039' }, response: { 200: { recoveryCodes } } },
  }),
  'POST /api/auth/two-factor/disable': route({
    body: TwoFactorDisableBody,
    response: { 200: OkResponse },
    examples: { body: { password: 'correct-horse-battery' }, response: { 200: ex.ok } },
  }),
  'POST /api/users/:id/two-factor/reset': onRecord(2, {
    response: { 200: OkResponse },
    examples: { response: { 200: ex.ok } },
  }),
  'GET /api/users': route({ response: { 200: UserList }, examples: { response: { 200: { users: [ex.user] } } } }),
  'POST /api/users': route({
    body: CreateUserBody,
    response: { 201: User },
    examples: {
      body: { username: 'sato', displayName: '佐藤 花子', password: 'a-much-longer-one', role: 'cityhall' },
      response: { 201: ex.user },
    },
  }),
  'PATCH /api/users/:id': onRecord(2, {
    body: UpdateUserBody,
    response: { 200: User },
    examples: { body: { disabled: true }, response: { 200: { ...ex.user, disabled: true } } },
  }),
  'POST /api/users/:id/password': onRecord(2, {
    body: ResetPasswordBody,
    response: { 200: OkResponse },
    examples: { body: { newPassword: 'a-much-longer-one' }, response: { 200: ex.ok } },
  }),
  'GET /api/api-keys': route({
    response: { 200: ApiKeyList },
    examples: { response: { 200: { apiKeys: [apiKey] } } },
  }),
  'POST /api/api-keys': route({
    body: CreateApiKeyBody,
    response: { 201: CreatedApiKey },
    examples: {
      body: { name: '防災システム', role: 'cityhall' },
      response: { 201: { apiKey, key: 'tsk_3f9a0c6d2b7e4f1a8c9d0e1f2a3b4c5d' } },
    },
  }),
  'DELETE /api/api-keys/:id': onRecord(3, {
    response: { 200: OkResponse },
    examples: { response: { 200: ex.ok } },
  }),
  'GET /api/audit': route({
    querystring: AuditQuery,
    response: { 200: AuditList },
    examples: {
      querystring: { limit: 50, beforeId: 1200 },
      response: {
        200: {
          entries: [
            {
              id: 1199,
              at: ex.at,
              actor: 'user:2:sato',
              action: 'auth.login',
              target: null,
              ip: '192.0.2.7',
              detail: null,
            },
          ],
        },
      },
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
