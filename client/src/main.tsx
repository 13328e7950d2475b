import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openUserDatabase } from './app/open-database';
import { UpdateLayer } from './pwa/UpdateLayer';
import { createLazySession } from '@taskmaster/sync-client/lazy-session';
import './styles/app.css';

// The list only needs to know who is signed in: the REST session code loads when first used.
const session = createLazySession('');
// Start opening IndexedDB now, in parallel with React's first render.
if (session.user) void openUserDatabase(session.user.id).catch(() => undefined);
// Signed out: the sign-in forms will need the REST code, so fetch it alongside their chunk.
else void session.load().catch(() => undefined);
const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

createRoot(root).render(
  <StrictMode>
    <App session={session} />
    <div className="update-layer">
      <UpdateLayer />
    </div>
  </StrictMode>,
);

// The service worker is not needed to show the tasks: register it once the page is idle.
window.addEventListener('load', () => {
  const idle = window.requestIdleCallback ?? ((fn: () => void) => window.setTimeout(fn, 200));
  idle(() => void import('./pwa/register-sw').then((m) => m.registerServiceWorker()));
  // Web Vitals (LCP, INP, CLS) to POST /api/vitals: its own chunk, fetched only once the page is idle.
  idle(() => void import('./features/vitals/report-vitals').then((m) => m.reportVitals()));
});
