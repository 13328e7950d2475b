import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { request } from '../security/helpers.js';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('OpenAPI 3.1 at /api/openapi.json', () => {
  let server: TestServer;
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: object } };
  beforeAll(async () => {
    server = await startTestServer();
    const answer = await request(server.url, 'GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body as typeof doc;
  });
  afterAll(async () => {
    await server.dispose();
  });

  /** Every route the Express routers really serve, read from the routers themselves. */
  function servedRoutes(): { method: string; path: string }[] {
    return server.server.apiRouters.flatMap(({ prefix, router }) =>
      (router.stack as RouteLayer[]).flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((method) => ({
              method,
              path: `${prefix}${layer.route!.path}`.replace(/:([A-Za-z]+)/g, '{$1}'),
            }))
          : [],
      ),
    );
  }

  it('is an OpenAPI 3.1 document with the schemas generated from zod', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['AdminUser', 'AdminUserPage', 'AdminStats', 'AuditPage', 'Error', 'WebVitals']),
    );
  });

  it('documents every route the server serves (a route missing from the document fails here)', () => {
    const routes = servedRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const missing = routes.filter(({ method, path }) => doc.paths[path]?.[method] === undefined);
    expect(missing).toEqual([]);
  });

  it('documents no admin route that is not served', () => {
    const served = new Set(servedRoutes().map((r) => `${r.method} ${r.path}`));
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.filter((r) => r.includes('/api/admin/') && !served.has(r))).toEqual([]);
  });

  it('states the limit cap and the strict bodies that the negative tests rely on', () => {
    const users = doc.paths['/api/admin/v1/users']!.get as {
      parameters: { name: string; schema: { maximum?: number } }[];
    };
    expect(users.parameters.find((p) => p.name === 'limit')?.schema.maximum).toBe(100);
  });
});
