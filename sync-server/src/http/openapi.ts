import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  ERROR_REASONS,
  changePasswordSchema,
  credentialsSchema,
  deleteAccountSchema,
  refreshRequestSchema,
} from '@taskmaster/shared-schema';
import { z } from 'zod';
import {
  actionBody,
  auditPage,
  disableResult,
  listAuditQuery,
  listUsersQuery,
  resyncResult,
  sessionParams,
  stats,
  userDetail,
  userExport,
  userIdParams,
  usersPage,
  adminUser,
} from '../admin/admin-schemas.js';
import { ADMIN_BASE_PATH } from '../admin/admin-router.js';
import { vitalsBody } from './vitals.js';

const errorBody = z
  .object({ error: z.object({ reason: z.enum(ERROR_REASONS), message: z.string() }) })
  .meta({ id: 'Error' });

const tokenPair = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), role: z.enum(['user', 'admin']) }),
    accessToken: z.string(),
    accessTokenExpiresAt: z.number().int(),
    refreshToken: z.string(),
  })
  .meta({ id: 'TokenPair' });

const passwordChanged = z.object({ revokedSessions: z.number().int().min(0) }).meta({ id: 'PasswordChanged' });

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const errors = {
  400: json(errorBody, '`invalid-payload` (params, query or body do not match the schema)'),
  401: json(errorBody, '`unauthorized`, `token-expired` or `token-revoked`'),
  403: json(errorBody, '`forbidden`: not an administrator'),
  404: json(errorBody, '`not-found`: no such user or session'),
};
const noContent = { 204: { description: 'Done; no body' } };
const body = (schema: z.ZodType) => ({ body: { content: { 'application/json': { schema } } } });

type Route = Omit<RouteConfig, 'responses'> & { responses: RouteConfig['responses'] };

function adminRoutes(): Route[] {
  const p = (path: string) => `${ADMIN_BASE_PATH}${path}`;
  const security = [{ bearer: [] }];
  const tags = ['admin'];
  return [
    {
      method: 'get',
      path: p('/stats'),
      summary: 'Users, documents, connected devices, recent sync activity (cached 10 s)',
      responses: { 200: json(stats, 'Stats'), ...errors },
    },
    {
      method: 'get',
      path: p('/users'),
      summary: 'Users by email, with email-prefix search and cursor pagination',
      request: { query: listUsersQuery },
      responses: { 200: json(usersPage, 'A page of users'), ...errors },
    },
    {
      method: 'get',
      path: p('/users/{id}'),
      summary: 'A user, their sessions, document counts and connected devices',
      request: { params: userIdParams },
      responses: { 200: json(userDetail, 'The user'), ...errors },
    },
    {
      method: 'post',
      path: p('/users/{id}/disable'),
      summary: 'Disable: revoke every session and disconnect every device, on every instance',
      request: { params: userIdParams, ...body(actionBody) },
      responses: { 200: json(disableResult, 'Disabled'), ...errors },
    },
    {
      method: 'post',
      path: p('/users/{id}/enable'),
      summary: 'Enable a disabled user (they sign in again)',
      request: { params: userIdParams, ...body(actionBody) },
      responses: { 200: json(adminUser, 'Enabled'), ...errors },
    },
    {
      method: 'delete',
      path: p('/users/{id}/sessions/{sessionId}'),
      summary: 'Sign one device out everywhere, at once',
      request: { params: sessionParams, ...body(actionBody) },
      responses: { ...noContent, ...errors },
    },
    {
      method: 'post',
      path: p('/users/{id}/resync'),
      summary: "Tell the user's devices to verify and re-pull (`sync:resync`)",
      request: { params: userIdParams, ...body(actionBody) },
      responses: { 200: json(resyncResult, 'Devices told'), ...errors },
    },
    {
      method: 'get',
      path: p('/users/{id}/export'),
      summary: 'Everything stored for the user, streamed as JSON (GDPR access)',
      request: { params: userIdParams },
      responses: { 200: json(userExport, 'The export'), ...errors },
    },
    {
      method: 'delete',
      path: p('/users/{id}'),
      summary: 'GDPR erase: documents, tombstones, sessions and account; devices told `account:erased`',
      request: { params: userIdParams },
      responses: { ...noContent, ...errors },
    },
    {
      method: 'get',
      path: p('/audit'),
      summary: 'The audit log, newest first',
      request: { query: listAuditQuery },
      responses: { 200: json(auditPage, 'A page of audit entries'), ...errors },
    },
  ].map((route) => ({ ...route, security, tags }) as Route);
}

function publicRoutes(): Route[] {
  const tags = ['auth'];
  return [
    {
      method: 'post',
      path: '/api/auth/register',
      summary: 'Create an account and sign this device in (409 `email-taken`, 400 `weak-password`)',
      request: body(credentialsSchema),
      responses: { 201: json(tokenPair, 'Signed in'), 400: errors[400], 409: json(errorBody, '`email-taken`') },
      tags,
    },
    {
      method: 'post',
      path: '/api/auth/login',
      summary: 'Sign a device in',
      request: body(credentialsSchema),
      responses: { 200: json(tokenPair, 'Signed in'), 401: json(errorBody, '`invalid-credentials`') },
      tags,
    },
    {
      method: 'post',
      path: '/api/auth/refresh',
      summary: 'Rotate a refresh token for a new pair (reuse revokes the session)',
      request: body(refreshRequestSchema),
      responses: { 200: json(tokenPair, 'New pair'), 401: errors[401] },
      tags,
    },
    {
      method: 'post',
      path: '/api/auth/logout',
      summary: "End this device's session everywhere: its tokens stop working and its sockets close",
      request: body(refreshRequestSchema),
      responses: noContent,
      tags,
    },
    {
      method: 'post',
      path: '/api/auth/password',
      summary:
        "Change the caller's password (current one required); every OTHER session is signed out at once, this one stays",
      request: body(changePasswordSchema.meta({ id: 'ChangePasswordRequest' })),
      responses: {
        200: json(passwordChanged, 'Changed; how many other sessions were signed out'),
        400: json(errorBody, '`invalid-payload`, or `weak-password` (too short, too easy to guess, or unchanged)'),
        401: errors[401],
        403: json(errorBody, '`wrong-password`: the current password is incorrect; `forbidden`: account disabled'),
        429: json(errorBody, '`rate-limited` (per IP, shared with sign-in)'),
      },
      security: [{ bearer: [] }],
      tags,
    },
    {
      method: 'delete',
      path: '/api/auth/account',
      summary:
        "Delete the caller's account (password required): the admin GDPR erase path — documents, tombstones, sessions and account gone, devices told `account:erased`",
      request: body(deleteAccountSchema.meta({ id: 'DeleteAccountRequest' })),
      responses: {
        ...noContent,
        400: errors[400],
        401: errors[401],
        403: json(errorBody, '`wrong-password`; `forbidden` for an administrator account'),
        429: json(errorBody, '`rate-limited` (per IP, shared with sign-in)'),
      },
      security: [{ bearer: [] }],
      tags,
    },
    {
      method: 'post',
      path: '/api/vitals',
      summary: 'Report Web Vitals (LCP, INP, CLS) of a page load; rate-limited per IP',
      request: body(vitalsBody),
      responses: { ...noContent, 400: errors[400], 429: json(errorBody, '`rate-limited`') },
      tags: ['observability'],
    },
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This document',
      responses: { 200: { description: 'OpenAPI 3.1' } },
      tags: ['meta'],
    },
    {
      method: 'get',
      path: '/healthz',
      summary: 'Liveness',
      responses: { 200: { description: 'Alive' } },
      tags: ['health'],
    },
    {
      method: 'get',
      path: '/readyz',
      summary: 'Readiness (store reachable, not shutting down)',
      responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
      tags: ['health'],
    },
  ];
}

/** The OpenAPI 3.1 document of the REST API, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const route of [...publicRoutes(), ...adminRoutes()]) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'TaskMaster sync server',
      version: '1',
      description: 'REST API: accounts, Web Vitals and the admin plane. Sync itself runs over Socket.IO (see SPEC).',
    },
  });
}
