/** Deeper than any document of ours (a push is about 6 levels deep), far below what overflows a stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * Checks an untrusted, already parsed JSON value for shapes that must be rejected before any
 * recursive code (JSON.stringify, zod, ajv) sees it: nesting deeper than `maxDepth`, and own
 * `__proto__` keys (JSON.parse creates them; copying such an object silently drops the key or
 * replaces the prototype). Iterative, so 60,000 nested arrays cost a loop, not the call stack.
 *
 * Returns a sentence naming the problem and where it is, or `undefined` when the value is fine.
 */
export function findJsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return `nesting deeper than ${maxDepth} levels at ${path || '/'}`;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push([node[i], depth + 1, `${path}/${i}`]);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) return `a "__proto__" key at ${path || '/'}`;
    for (const key of Object.keys(node)) {
      stack.push([(node as Record<string, unknown>)[key], depth + 1, `${path}/${key}`]);
    }
  }
  return undefined;
}
