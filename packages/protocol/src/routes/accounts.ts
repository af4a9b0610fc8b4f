/** Routes of the REST table (api.ts): staff accounts: sign-in, passwords, people, API keys and the audit log. */
import {
  ApiKeyList,
  type AuditEntry,
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
import { onRecord, type RouteKey, type RouteSpec, route, sample } from '../wire';

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
const auditEntry: AuditEntry = {
  id: 1199,
  at: ex.at,
  actor: 'user:2:sato',
  action: 'auth.login',
  target: null,
  ip: '192.0.2.7',
  detail: null,
};
const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const recoveryCodes = ['K7QF-2M9X-HT4C-W8PZ', 'R3NB-Y6VD-Q2JS-E9LA'];

export const accountsRoutes = {
  // ---- accounts: sign-in, staff accounts, API keys, audit ----------------------------------
  'POST /api/auth/login': route({
    body: sample(LoginBody, { username: 'sato', password: 'correct-horse-battery', code: '492039' }),
    response: { 200: sample(SessionInfo, session) },
  }),
  'POST /api/auth/logout': route({ response: { 200: sample(OkResponse, ex.ok) } }),
  'GET /api/auth/session': route({ response: { 200: sample(SessionInfo, session) } }),
  'POST /api/auth/password': route({
    body: sample(ChangePasswordBody, { currentPassword: 'old-password', newPassword: 'a-much-longer-one' }),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  // ---- two-factor sign-in (authenticator app + recovery codes) -----------------------------
  'POST /api/auth/two-factor/setup': route({
    response: {
      200: sample(TwoFactorSetup, {
        secret,
        otpauthUri: `otpauth://totp/Tsunagu:sato?secret=${secret}&issuer=Tsunagu`,
        qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29">…</svg>',
      }),
    },
  }),
  'POST /api/auth/two-factor/confirm': route({
    body: sample(TwoFactorCodeBody, { code: '492039' }),
    response: { 200: sample(RecoveryCodes, { recoveryCodes }) },
  }),
  'POST /api/auth/two-factor/recovery-codes': route({
    body: sample(TwoFactorCodeBody, { code: '492039' }),
    response: { 200: sample(RecoveryCodes, { recoveryCodes }) },
  }),
  'POST /api/auth/two-factor/disable': route({
    body: sample(TwoFactorDisableBody, { password: 'correct-horse-battery' }),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  'POST /api/users/:id/two-factor/reset': onRecord(2, { response: { 200: sample(OkResponse, ex.ok) } }),
  'GET /api/users': route({ response: { 200: sample(UserList, { users: [ex.user] }) } }),
  'POST /api/users': route({
    body: sample(CreateUserBody, {
      username: 'sato',
      displayName: '佐藤 花子',
      password: 'a-much-longer-one',
      role: 'cityhall',
    }),
    response: { 201: sample(User, ex.user) },
  }),
  'PATCH /api/users/:id': onRecord(2, {
    body: sample(UpdateUserBody, { disabled: true }),
    response: { 200: sample(User, { ...ex.user, disabled: true }) },
  }),
  'POST /api/users/:id/password': onRecord(2, {
    body: sample(ResetPasswordBody, { newPassword: 'a-much-longer-one' }),
    response: { 200: sample(OkResponse, ex.ok) },
  }),
  'GET /api/api-keys': route({ response: { 200: sample(ApiKeyList, { apiKeys: [apiKey] }) } }),
  'POST /api/api-keys': route({
    body: sample(CreateApiKeyBody, { name: '防災システム', role: 'cityhall' }),
    response: { 201: sample(CreatedApiKey, { apiKey, key: 'tsk_3f9a0c6d2b7e4f1a8c9d0e1f2a3b4c5d' }) },
  }),
  'DELETE /api/api-keys/:id': onRecord(3, { response: { 200: sample(OkResponse, ex.ok) } }),
  'GET /api/audit': route({
    querystring: sample(AuditQuery, { limit: 50, beforeId: 1200 }),
    response: {
      200: sample(AuditList, { entries: [auditEntry] }),
    },
  }),
} as const satisfies Record<RouteKey, RouteSpec>;
