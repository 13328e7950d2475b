import type { AccountStore } from './account-store.js';
import type { DocumentStore } from './document-store.js';

/**
 * GDPR erase across both ports: the user's documents, tombstones and counters, then the account,
 * its sessions and refresh tokens. Documents go first, so a failure half-way leaves an account
 * that can be erased again rather than documents nobody can reach.
 */
export async function eraseUserEverywhere(
  stores: { documents: DocumentStore; accounts: AccountStore },
  userId: string,
): Promise<{ found: boolean; documents: number }> {
  const { documents } = await stores.documents.eraseOwner(userId);
  const found = await stores.accounts.eraseUser(userId);
  return { found, documents };
}
