/**
 * Mango selector matching and sort comparison with the semantics of mingo, the query library RxDB
 * uses (`getQueryMatcher`, `getSortComparator`), for the browser build only: the PWA's build
 * resolves RxDB's `rx-query-mingo.js` and its `mingo/util` import to this module (see
 * `client/vite-plugins/lean-dependencies.ts`), which keeps about 8 KB gzip of mingo off the
 * critical path. It supports exactly the query operators RxDB enables in mingo ($eq, $ne, $gt,
 * $gte, $lt, $lte, $in, $nin, $exists, $regex, $mod, $size, $type, $elemMatch, $not, $and, $or,
 * $nor); anything else throws, as mingo does. `mango-matcher.test.ts` checks it against mingo on
 * seeded random documents and selectors, and on every selector the app's views use.
 */

type Doc = unknown;
type Predicate = (doc: Doc) => boolean;
type Selector = Record<string, unknown>;

/** A selector this matcher (like RxDB's mingo context) does not support. */
export class UnsupportedSelectorError extends Error {
  readonly reason = 'unsupported-query-operator';
  override readonly name = 'UnsupportedSelectorError';
}

const SORT_ORDER: Record<string, number> = {
  undefined: 1,
  null: 2,
  number: 3,
  string: 4,
  symbol: 5,
  object: 6,
  array: 7,
  arraybuffer: 8,
  boolean: 9,
  date: 10,
  regexp: 11,
  function: 12,
};

const isArray = Array.isArray;
const isDate = (v: unknown): v is Date => v instanceof Date;
const isRegExp = (v: unknown): v is RegExp => v instanceof RegExp;
const isPrimitive = (v: unknown) => (typeof v !== 'object' && typeof v !== 'function') || v === null;
const isScalar = (v: unknown) => isPrimitive(v) || isDate(v) || isRegExp(v);
const isNil = (v: unknown) => v === null || v === undefined;
const isOperator = (name: string) => name[0] === '$' && /^\$[a-zA-Z0-9_]+$/.test(name);
const hasOwn = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);
const hasCustomString = (o: unknown) =>
  o !== null && o !== undefined && (o as { toString: unknown }).toString !== Object.prototype.toString;

function typeOf(v: unknown): string {
  const t = typeof v;
  if (t !== 'object') return t;
  if (v === null) return 'null';
  if (isArray(v)) return 'array';
  if (isDate(v)) return 'date';
  if (isRegExp(v)) return 'regexp';
  if (ArrayBuffer.isView(v)) return 'arraybuffer';
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  if (ctor === Object) return 'object';
  return ctor?.name?.toLowerCase() ?? 'object';
}
const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

const simpleCmp = (a: unknown, b: unknown): number =>
  (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;

function bytesCmp(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = simpleCmp(x[i], y[i]);
    if (order !== 0) return order;
  }
  return simpleCmp(x.length, y.length);
}

const sortedCopy = (xs: readonly unknown[]) => xs.slice().sort((p, q) => cmp(p, q));

/** Total order over values: same type by value, different types by BSON-like type rank. */
function cmp(a: unknown, b: unknown, descendArray = false): number {
  if (a === b || Object.is(a, b)) return 0;
  const typeA = typeOf(a);
  const typeB = typeOf(b);
  if (typeA === typeB) {
    switch (typeA) {
      case 'number':
      case 'string':
      case 'boolean':
        return simpleCmp(a, b);
      case 'date':
        return simpleCmp(+(a as Date), +(b as Date));
      case 'regexp':
        return (
          simpleCmp((a as RegExp).source, (b as RegExp).source) || simpleCmp((a as RegExp).flags, (b as RegExp).flags)
        );
      case 'arraybuffer':
        return bytesCmp(a as ArrayBufferView, b as ArrayBufferView);
      case 'array': {
        const xs = sortedCopy(a as unknown[]);
        const ys = sortedCopy(b as unknown[]);
        for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
          const order = cmp(xs[i], ys[i]);
          if (order) return order;
        }
        return simpleCmp(xs.length, ys.length);
      }
      default: {
        if (typeA !== 'object' && (a as object)?.constructor === (b as object)?.constructor && hasCustomString(a))
          return simpleCmp(String(a), String(b));
        const keysA = Object.keys(a as object).sort();
        const keysB = Object.keys(b as object).sort();
        const order = cmp(keysA, keysB);
        if (order) return order;
        for (const k of keysA) {
          const inner = cmp((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
          if (inner) return inner;
        }
        return 0;
      }
    }
  }
  if (typeA === 'undefined') return -1;
  if (typeB === 'undefined') return 1;
  if (descendArray) {
    if (typeA === 'array') {
      const xs = a as unknown[];
      if (!xs.length) return -1;
      let order = 1;
      for (const v of sortedCopy(xs)) if ((order = Math.min(order, cmp(v, b))) < 0) return order;
      return order;
    }
    if (typeB === 'array') {
      const ys = b as unknown[];
      if (!ys.length) return 1;
      let order = -1;
      for (const v of sortedCopy(ys)) if ((order = Math.max(order, cmp(a, v))) > 0) return order;
      return order;
    }
  }
  const rankA = SORT_ORDER[typeA] ?? Number.MAX_VALUE;
  const rankB = SORT_ORDER[typeB] ?? Number.MAX_VALUE;
  return rankA !== rankB ? simpleCmp(rankA, rankB) : simpleCmp(typeA, typeB);
}

/** The sort comparator RxDB imports from `mingo/util` (arrays compare by their elements). */
export const compare = (a: unknown, b: unknown): number => cmp(a, b, true);

function isEqual(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== typeof b || typeof a !== 'object') return false;
  if ((a as object).constructor !== (b as object)?.constructor) return false;
  if (isDate(a)) return isDate(b) && +a === +b;
  if (isRegExp(a)) return isRegExp(b) && a.source === b.source && a.flags === b.flags;
  if (isArray(a) && isArray(b)) return a.length === b.length && a.every((v, i) => isEqual(v, b[i]));
  if ((a as object).constructor !== Object && hasCustomString(a)) return String(a) === String(b);
  const keysA = Object.keys(a as object);
  if (keysA.length !== Object.keys(b as object).length) return false;
  return keysA.every(
    (k) => hasOwn(b as object, k) && isEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

const OBJECT_PROTO_PROPS = new Set(Object.getOwnPropertyNames(Object.prototype));
const isDigits = (s: string) => /^\d+$/.test(s);

function getValue(obj: unknown, key: string): unknown {
  if (isPrimitive(obj)) return undefined;
  if (isArray(obj)) return obj[Number(key)];
  return !OBJECT_PROTO_PROPS.has(key) || hasOwn(obj as object, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function assertNoProto(path: string): void {
  if (path.split('.').includes('__proto__'))
    throw new UnsupportedSelectorError(`Accessing __proto__ is not allowed in selector: '${path}'.`);
}

/** The value at a dotted path; through arrays, the values of every element (mingo's `resolve`). */
function resolve(obj: unknown, path: string, unwrapArray = false): unknown {
  if (isScalar(obj)) return obj;
  if (!path.includes('.') && !isArray(obj)) return getValue(obj, path);
  let depth = 0;
  const resolvePath = (o: unknown, sub: string): unknown => {
    let value = o;
    let begin = 0;
    let dot = 0;
    while (dot !== -1) {
      dot = sub.indexOf('.', begin);
      const field = dot === -1 ? sub.substring(begin) : sub.substring(begin, dot);
      if (!isDigits(field) && isArray(value)) {
        if (begin === 0 && depth > 0) break;
        depth += 1;
        const rest = sub.substring(begin);
        value = value.reduce<unknown[]>((acc, item) => {
          const v = resolvePath(item, rest);
          if (v !== undefined) acc.push(v);
          return acc;
        }, []);
        break;
      }
      value = getValue(value, field);
      if (value === undefined) break;
      begin += field.length + 1;
    }
    return value;
  };
  const result = resolvePath(obj, path);
  if (!isArray(result) || !unwrapArray) return result;
  let unwrapped: unknown[] = result;
  while (depth-- > 0 && unwrapped.length === 1 && isArray(unwrapped[0])) unwrapped = unwrapped[0] as unknown[];
  return unwrapped;
}

/** The document reduced to the branches along `path`, array positions kept (mingo's `resolveGraph`). */
function resolveGraph(obj: unknown, path: string): unknown {
  const sep = path.indexOf('.');
  const key = sep === -1 ? path : path.substring(0, sep);
  const next = path.substring(sep + 1);
  if (isArray(obj)) {
    if (isDigits(key)) {
      const out = obj.slice();
      const value = getValue(obj, key);
      out[Number(key)] = sep !== -1 ? resolveGraph(value, next) : value;
      return out;
    }
    return obj.map((item) => resolveGraph(item, path));
  }
  let value = getValue(obj, key);
  if (sep !== -1) value = resolveGraph(value, next);
  return value === undefined ? undefined : { [key]: value };
}

function flatten(xs: readonly unknown[], depth: number): unknown[] {
  const out: unknown[] = [];
  const walk = (ys: readonly unknown[], n: number) => {
    for (const y of ys) {
      if (isArray(y) && n !== 0) walk(y, Math.max(-1, n - 1));
      else out.push(y);
    }
  };
  walk(xs, depth);
  return out;
}

const ensureArray = (x: unknown): unknown[] => (isArray(x) ? x : [x]);

function eq(a: unknown, b: unknown, depth: number): boolean {
  if (isEqual(a, b) || (isNil(a) && isNil(b))) return true;
  if (isArray(a)) return a.some((v) => isEqual(v, b)) || flatten(a, depth).some((v) => isEqual(v, b));
  return false;
}

function inValues(a: unknown, b: readonly unknown[]): boolean {
  if (isNil(a)) return b.some((v) => v === null);
  const values = ensureArray(a);
  if (values.some((v) => b.some((w) => isEqual(v, w)))) return true;
  const patterns = b.filter(isRegExp);
  return patterns.length > 0 && values.some((v) => typeof v === 'string' && patterns.some((re) => re.test(v)));
}

function ordered(a: unknown, b: unknown, test: (order: number) => boolean): boolean {
  const typeB = typeOf(b);
  return ensureArray(a).some((v) => typeOf(v) === typeB && test(cmp(v, b)));
}

const isNumber = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);
const TYPE_TESTS: Record<string, (v: unknown) => boolean> = {
  array: isArray,
  boolean: (v) => typeof v === 'boolean',
  bool: (v) => typeof v === 'boolean',
  date: isDate,
  number: isNumber,
  int: Number.isInteger,
  long: Number.isInteger,
  double: isNumber,
  decimal: isNumber,
  null: (v) => v === null,
  object: isObject,
  regexp: isRegExp,
  regex: isRegExp,
  string: (v) => typeof v === 'string',
  undefined: isNil,
  1: isNumber,
  2: (v) => typeof v === 'string',
  3: isObject,
  4: isArray,
  6: isNil,
  8: (v) => typeof v === 'boolean',
  9: isDate,
  10: (v) => v === null,
  11: isRegExp,
  16: Number.isInteger,
  18: Number.isInteger,
  19: isNumber,
};
const typeIs = (v: unknown, type: unknown) => TYPE_TESTS[String(type)]?.(v) ?? false;

function expectArray(value: unknown, operator: string): unknown[] {
  if (!isArray(value)) throw new UnsupportedSelectorError(`${operator} expects an array`);
  return value;
}

/** A predicate on the value at `path` (already resolved, arrays unwrapped). */
type ValueTest = (value: unknown) => boolean;

function valueTest(path: string, operator: string, rhs: unknown): ValueTest {
  const depth = path.split('.').length - 1;
  switch (operator) {
    case '$eq':
      return (v) => eq(v, rhs, depth);
    case '$ne':
      return (v) => !eq(v, rhs, depth);
    case '$gt':
      return (v) => ordered(v, rhs, (o) => o > 0);
    case '$gte':
      return (v) => ordered(v, rhs, (o) => o >= 0);
    case '$lt':
      return (v) => ordered(v, rhs, (o) => o < 0);
    case '$lte':
      return (v) => ordered(v, rhs, (o) => o <= 0);
    case '$in': {
      const values = expectArray(rhs, '$in');
      return (v) => inValues(v, values);
    }
    case '$nin': {
      const values = expectArray(rhs, '$nin');
      return (v) => !inValues(v, values);
    }
    case '$regex': {
      const re = rhs as RegExp;
      const match = (x: unknown) => typeof x === 'string' && Boolean(re.exec(x));
      return (v) => {
        const values = ensureArray(v);
        return values.some(match) || flatten(values, 1).some(match);
      };
    }
    case '$mod': {
      const [divisor, remainder, ...rest] = expectArray(rhs, '$mod') as number[];
      return (v) => ensureArray(v).some((x) => rest.length === 0 && (x as number) % divisor! === remainder);
    }
    case '$size':
      return (v) => isArray(v) && v.length === rhs;
    case '$type':
      return (v) => (isArray(rhs) ? rhs.some((t) => typeIs(v, t)) : typeIs(v, rhs));
    case '$elemMatch': {
      const element = elemMatchPredicate(rhs);
      return (v) => isArray(v) && v.some(element);
    }
    default:
      throw new UnsupportedSelectorError(`unknown query operator ${operator}`);
  }
}

function elemMatchPredicate(criteria: unknown): Predicate {
  if (!isObject(criteria)) throw new UnsupportedSelectorError('$elemMatch expects an object');
  const keys = Object.keys(criteria);
  if (keys.length === 0) return isObject;
  const wrap = keys.every((k) => isOperator(k) && k !== '$and' && k !== '$or' && k !== '$nor');
  if (!wrap) return compileSelector(criteria);
  const test = compileSelector({ field: criteria });
  return (v) => test({ field: v });
}

/** mingo's `normalize`: a plain value means $eq, a RegExp $regex, and `$regex` strings become RegExps. */
function normalize(expr: unknown): Record<string, unknown> {
  if (isScalar(expr)) return isRegExp(expr) ? { $regex: expr } : { $eq: expr };
  const obj = expr as Record<string, unknown>;
  if (!Object.keys(obj).some(isOperator)) return { $eq: expr };
  if (isObject(obj) && hasOwn(obj, '$regex')) {
    const { $options, ...rest } = obj;
    return { ...rest, $regex: new RegExp(obj.$regex as string | RegExp, $options as string | undefined) };
  }
  return obj;
}

function fieldPredicate(path: string, operator: string, rhs: unknown): Predicate {
  if (operator === '$exists') return existsPredicate(path, Boolean(rhs));
  if (operator === '$not') {
    const inner = compileSelector({ [path]: normalize(rhs) });
    return (doc) => !inner(doc);
  }
  const test = valueTest(path, operator, rhs);
  return (doc) => test(resolve(doc, path, true));
}

function existsPredicate(path: string, expected: boolean): Predicate {
  if (!path.includes('.') || /\.\d+$/.test(path)) return (doc) => (resolve(doc, path) !== undefined) === expected;
  const parent = path.substring(0, path.lastIndexOf('.'));
  return (doc) => {
    const value = resolve(resolveGraph(doc, path), parent);
    return isArray(value) ? value.some((v) => v !== undefined) === expected : (value !== undefined) === expected;
  };
}

function logical(operator: string, rhs: unknown): Predicate {
  const parts = expectArray(rhs, operator).map((part) => compileSelector(part as Selector));
  if (operator === '$and') return (doc) => parts.every((p) => p(doc));
  if (operator === '$or') return (doc) => parts.some((p) => p(doc));
  return (doc) => !parts.some((p) => p(doc));
}

function compileSelector(selector: unknown): Predicate {
  if (!isObject(selector)) throw new UnsupportedSelectorError('query criteria must be an object');
  const predicates: Predicate[] = [];
  for (const [field, expr] of Object.entries(selector)) {
    if (field === '$and' || field === '$or' || field === '$nor') {
      predicates.push(logical(field, expr));
      continue;
    }
    if (isOperator(field)) throw new UnsupportedSelectorError(`unknown top level operator: ${field}`);
    assertNoProto(field);
    for (const [operator, rhs] of Object.entries(normalize(expr)))
      predicates.push(fieldPredicate(field, operator, rhs));
  }
  return (doc) => predicates.every((p) => p(doc));
}

/** What RxDB's `rx-query-mingo.js` exports: a compiled selector with `test(doc)`. */
export function getMingoQuery(selector: unknown): { test(doc: unknown): boolean } {
  const test = compileSelector(selector ?? {});
  return { test };
}
