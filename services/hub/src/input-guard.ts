import { SentralError } from '@sentral/contract';

/** Deeper than any payload Sentral takes (a routing rule set nests conditions 20 levels, two JSON levels each). */
const MAX_INPUT_DEPTH = 64;

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * The first part of a parsed payload that no handler should see: a NUL character in any text or key
 * (PostgreSQL cannot store it, so it would end as a 500), or nesting deeper than MAX_INPUT_DEPTH (which
 * recursive validators and serialisers would overflow the stack on). Walks with its own stack, so the
 * check itself cannot overflow. Byte arrays and other non-plain values are not looked into.
 */
export function findUnsafeInput(value: unknown, root: string): string | null {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (pending.length) {
    const item = pending.pop()!;
    if (typeof item.value === 'string') {
      if (item.value.includes('\u0000')) return `${item.path}: must not contain NUL characters`;
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= MAX_INPUT_DEPTH) return `${item.path}: nested deeper than ${MAX_INPUT_DEPTH} levels`;
    if (Array.isArray(item.value)) {
      item.value.forEach((inner, index) => pending.push({ value: inner, path: `${item.path}.${index}`, depth: item.depth + 1 }));
    } else if (isPlainObject(item.value)) {
      for (const [key, inner] of Object.entries(item.value)) {
        if (key.includes('\u0000')) return `${item.path}: a field name must not contain NUL characters`;
        pending.push({ value: inner, path: `${item.path}.${key}`, depth: item.depth + 1 });
      }
    }
  }
  return null;
}

/** Throws VALIDATION_FAILED naming the part of `value` that findUnsafeInput refuses. */
export function assertSafeInput(value: unknown, root: string): void {
  const problem = findUnsafeInput(value, root);
  if (problem) throw new SentralError('VALIDATION_FAILED', problem, { field: problem.slice(0, problem.indexOf(':')) });
}
