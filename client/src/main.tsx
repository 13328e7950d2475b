import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { registerServiceWorker } from './pwa/register-sw';
import { UpdatePrompt } from './pwa/UpdatePrompt';
import { createSession, localStorageSessionStore } from './sync/session';
import './styles/app.css';

const session = createSession({ baseUrl: '', store: localStorageSessionStore() });
const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

createRoot(root).render(
  <StrictMode>
    <App session={session} />
    <div className="update-layer">
      <UpdatePrompt />
    </div>
  </StrictMode>,
);

window.addEventListener('load', () => {
  void registerServiceWorker();
});
