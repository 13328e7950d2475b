/* Imported by the generated service worker (workbox importScripts): a click on a reminder
 * notification focuses an open TaskMaster window (and tells it which task to open), or opens one. */
self.addEventListener('notificationclick', (event) => {
  const taskId = event.notification.data && event.notification.data.taskId;
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const target = windows.find((client) => 'focus' in client);
      if (target) {
        await target.focus();
        if (taskId) target.postMessage({ type: 'taskmaster:open-task', taskId });
        return;
      }
      await self.clients.openWindow('/');
    })(),
  );
});
