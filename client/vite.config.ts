import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { dexieBulkRead } from './vite-plugins/dexie-bulk-read.ts';
import { dexieRowsAsStored } from './vite-plugins/dexie-rows.ts';
import {
  leanAliases,
  leanConditions,
  mangoMatcherForRxdb,
  nativeBroadcastChannelOnly,
} from './vite-plugins/lean-dependencies.ts';
import { quietRxdbBanner } from './vite-plugins/quiet-rxdb.ts';
import { sizeReport } from './vite-plugins/size-report.ts';

const THEME_COLOR = '#3b5bdb';
/** Where `vite` dev proxies the API and socket: the sync server (`npm run dev`), by default on port 3000. */
const devServerTarget = process.env.TASKMASTER_SERVER_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  resolve: { alias: leanAliases, conditions: leanConditions },
  plugins: [
    nativeBroadcastChannelOnly(),
    mangoMatcherForRxdb(),
    dexieBulkRead(),
    dexieRowsAsStored(),
    quietRxdbBanner(),
    VitePWA({
      registerType: 'prompt',
      // Registered from src/pwa after first render, so the app never waits on the service worker.
      injectRegister: null,
      includeAssets: ['icons/favicon-32.png', 'icons/apple-touch-icon-180.png'],
      manifest: {
        name: 'TaskMaster',
        short_name: 'TaskMaster',
        description: 'Offline-first tasks that sync across your devices.',
        theme_color: THEME_COLOR,
        background_color: '#f6f7fb',
        display: 'standalone',
        start_url: '/',
        scope: '/',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/socket\.io\//],
        cleanupOutdatedCaches: true,
        // A click on a reminder notification focuses (or opens) the app.
        importScripts: ['reminder-sw.js'],
      },
    }),
    sizeReport({ budgetKb: 150 }),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
    // Every browser this ES2022 build targets supports <link rel="modulepreload">.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // Everything the entry imports statically (the critical path) goes into the one entry chunk:
        // lazy chunks that share a module with it import it from there, instead of the bundler
        // cutting the critical path into several shared chunks (each gzipped and fetched separately).
        codeSplitting: { groups: [{ name: 'index', tags: ['$initial'] }] },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': devServerTarget,
      '/socket.io': { target: devServerTarget, ws: true },
    },
  },
  preview: { host: '127.0.0.1' },
});
