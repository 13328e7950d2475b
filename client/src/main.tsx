import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { openUserDatabase } from './app/open-database';
import { UpdateLayer } from './pwa/UpdateLayer';
import { createSession, localStorageSessionStore } from './sync/session';
import './styles/app.css';

const session = createSession({ baseUrl: '', store: localStorageSessionStore() });
// Start opening IndexedDB now, in parallel with React's first render.
if (session.user) void openUserDatabase(session.user.id).catch(() => undefined);
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
});
