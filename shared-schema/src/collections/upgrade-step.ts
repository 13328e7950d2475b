/** A document as stored or sent, before it is known to match the current schema. */
export type DocData = Record<string, unknown>;

/**
 * One step of a collection's schema history: turns a document of version `to - 1` into version `to`.
 * The same steps run as RxDB migration strategies on devices and as upgrades of older documents on
 * the server (SPEC, "Versions"), so they must be:
 * - pure and synchronous;
 * - idempotent: a document already at `to` or later passes unchanged, because the server upgrades
 *   stored documents, whose version it does not record, from version 0;
 * - additive: only add fields (with a default that means "not set"), so a device one version
 *   behind can keep, and push back, fields it does not know yet.
 */
export interface SchemaUpgradeStep {
  readonly to: number;
  /** What changed, for the SPEC and for logs. */
  readonly description: string;
  readonly up: (doc: DocData) => DocData;
}

/**
 * The usual step: fields added with their "not set" value. Fields a document already has are kept,
 * so the step is idempotent. The fields carry no clock until someone edits them, so an upgraded
 * document never wins a merge against a real edit of a new field.
 */
export function addFields(defaults: Readonly<DocData>): (doc: DocData) => DocData {
  const entries = Object.entries(defaults);
  return (doc) => {
    let out = doc;
    for (const [field, value] of entries) {
      if (doc[field] !== undefined) continue;
      if (out === doc) out = { ...doc };
      // A fresh copy per document, so no two documents share an array or object default.
      out[field] = typeof value === 'object' && value !== null ? (JSON.parse(JSON.stringify(value)) as unknown) : value;
    }
    return out;
  };
}
