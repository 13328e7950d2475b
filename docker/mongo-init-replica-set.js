// Run once by the `mongo-init` service (mongosh, connected to mongo1). Idempotent: a set that is
// already initiated is left alone. Transactions (every push is one) need a replica set; three
// data-bearing members and no arbiter, so `w: "majority"` holds with any one member down.
/* global sleep, quit */
const members = [
  { _id: 0, host: 'mongo1:27017', priority: 2 },
  { _id: 1, host: 'mongo2:27017', priority: 1 },
  { _id: 2, host: 'mongo3:27017', priority: 1 },
];
try {
  rs.status();
  print('replica set rs0 already initiated');
} catch {
  rs.initiate({ _id: 'rs0', members });
  print('replica set rs0 initiated');
}
// The sync-servers start once this job exits: wait until there is a primary.
let primary = false;
for (let i = 0; i < 120 && !primary; i++) {
  primary = rs.status().members.some((m) => m.stateStr === 'PRIMARY');
  if (!primary) sleep(500);
}
if (!primary) {
  print('replica set rs0 has no primary after 60 s');
  quit(1);
}
print('replica set rs0 has a primary');
