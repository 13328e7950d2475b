import { startTestServer, type TestServer } from '@taskmaster/sync-server/testing';
import { buildClient } from './client-build.js';

/** The sync server as `npm start` runs it, serving the built client, on 127.0.0.1 and an ephemeral port. */
export async function startAppServer(): Promise<TestServer> {
  const dist = buildClient();
  return startTestServer({ env: { CLIENT_DIST_DIR: dist } });
}
