/**
 * The configured MongoDB is not a replica-set member: multi-document transactions (every push)
 * cannot work there, so the server refuses to start. Kept apart from the MongoDB adapter so the
 * composition root can recognize it without loading the driver.
 */
export class MongoReplicaSetRequiredError extends Error {
  override readonly name = 'MongoReplicaSetRequiredError';
}
