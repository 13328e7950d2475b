import { once } from 'node:events';
import { TaskmasterError } from '@taskmaster/shared-schema';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { getAuth, requireAuth, type AccessTokenVerifier } from '../auth/require-auth.js';
import type { AccountStore } from '../store/index.js';
import { validate } from '../validation/validate.js';
import { actionBody, listAuditQuery, listUsersQuery, noQuery, sessionParams, userIdParams } from './admin-schemas.js';
import type { AdminService } from './admin-service.js';

export interface AdminRouterDeps {
  admin: AdminService;
  verifier: AccessTokenVerifier;
  accounts: Pick<AccountStore, 'findUserById'>;
}

/** The admin API's base path; versioned so a breaking change can live beside the old one. */
export const ADMIN_BASE_PATH = '/api/admin/v1';

const emptyParams = noQuery;

/**
 * Function-level authorization: the token must carry the admin role *and* the account must still
 * be an enabled admin in the store, so a demotion or a disable takes effect at once, not when the
 * access token expires.
 */
function requireAdminAccount(accounts: AdminRouterDeps['accounts']): RequestHandler {
  return async (_req, res, next) => {
    const auth = getAuth(res);
    if (auth.role !== 'admin') throw new TaskmasterError('forbidden', 'Administrator role required', 403);
    const user = await accounts.findUserById(auth.userId);
    if (!user || user.disabled || user.role !== 'admin') {
      throw new TaskmasterError('forbidden', 'Administrator role required', 403);
    }
    next();
  };
}

/** Validates path parameters, query and body of one request against their schemas (`invalid-payload` otherwise). */
function input<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  req: Request,
  schemas: { params: P; query: Q; body: B },
): { params: z.output<P>; query: z.output<Q>; body: z.output<B> } {
  return {
    params: validate(schemas.params, { ...req.params }, 'path parameters'),
    query: validate(schemas.query, { ...(req.query as object) }, 'query'),
    body: validate(schemas.body, req.body ?? {}, 'body'),
  };
}

const actor = (res: Response) => ({ userId: getAuth(res).userId });

/**
 * `/api/admin/v1`: stats, users, sessions, resync, export, erase and the audit log. Every route
 * needs an admin access token, validates params, query and body with strict zod schemas, and
 * answers errors in the one shape. Documented in `/api/openapi.json` (see `http/openapi.ts`).
 */
export function createAdminRouter(deps: AdminRouterDeps): Router {
  const { admin } = deps;
  const router = Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(requireAuth(deps.verifier), requireAdminAccount(deps.accounts));

  router.get('/stats', async (req, res) => {
    input(req, { params: emptyParams, query: noQuery, body: noQuery });
    res.json(await admin.stats());
  });

  router.get('/users', async (req, res) => {
    const { query } = input(req, { params: emptyParams, query: listUsersQuery, body: noQuery });
    res.json(await admin.listUsers(query));
  });

  router.get('/users/:id', async (req, res) => {
    const { params } = input(req, { params: userIdParams, query: noQuery, body: noQuery });
    res.json(await admin.userDetail(params.id));
  });

  router.post('/users/:id/disable', async (req, res) => {
    const { params, body } = input(req, { params: userIdParams, query: noQuery, body: actionBody });
    res.json(await admin.disable(actor(res), params.id, body.reason));
  });

  router.post('/users/:id/enable', async (req, res) => {
    const { params, body } = input(req, { params: userIdParams, query: noQuery, body: actionBody });
    res.json(await admin.enable(actor(res), params.id, body.reason));
  });

  router.delete('/users/:id/sessions/:sessionId', async (req, res) => {
    const { params, body } = input(req, { params: sessionParams, query: noQuery, body: actionBody });
    await admin.revokeSession(actor(res), params.id, params.sessionId, body.reason);
    res.status(204).end();
  });

  router.post('/users/:id/resync', async (req, res) => {
    const { params, body } = input(req, { params: userIdParams, query: noQuery, body: actionBody });
    res.json(await admin.resync(actor(res), params.id, body.reason));
  });

  router.get('/users/:id/export', async (req, res) => {
    const { params } = input(req, { params: userIdParams, query: noQuery, body: noQuery });
    const chunks = admin.exportUser(actor(res), params.id);
    // The first chunk checks the user exists, so a 404 is still answered as JSON before streaming starts.
    const first = await chunks.next();
    res.type('application/json');
    res.set('Content-Disposition', `attachment; filename="taskmaster-export-${params.id}.json"`);
    if (!first.done) res.write(first.value);
    try {
      for await (const chunk of chunks) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
      res.end();
    } catch (error) {
      // Headers are gone: a truncated body must not look complete.
      res.destroy(error as Error);
    }
  });

  router.delete('/users/:id', async (req, res) => {
    const { params } = input(req, { params: userIdParams, query: noQuery, body: noQuery });
    await admin.erase(actor(res), params.id);
    res.status(204).end();
  });

  router.get('/audit', async (req, res) => {
    const { query } = input(req, { params: emptyParams, query: listAuditQuery, body: noQuery });
    res.json(await admin.listAudit(query));
  });

  return router;
}
