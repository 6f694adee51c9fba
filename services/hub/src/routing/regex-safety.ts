import { check } from 'recheck';
import { RuleSetError, type Condition, type Filter, type RuleSet } from './rules.ts';

// recheck decides most patterns in milliseconds; one it cannot decide in this time is refused.
const CHECK_TIMEOUT_MS = 3_000;
// On at most MAX_MATCHED_TEXT characters a quadratic worst case stays within milliseconds; cubic does not.
const MAX_POLYNOMIAL_DEGREE = 2;

function* matchConditions(condition: Condition, path: string): Generator<{ path: string; pattern: string }> {
  if ('all' in condition) for (const [i, part] of condition.all.entries()) yield* matchConditions(part, `${path}.all[${i}]`);
  else if ('any' in condition) for (const [i, part] of condition.any.entries()) yield* matchConditions(part, `${path}.any[${i}]`);
  else if ('not' in condition) yield* matchConditions(condition.not, `${path}.not`);
  else if (condition.op === 'matches' && typeof condition.value === 'string') yield { path: `${path}.value`, pattern: condition.value };
}

/**
 * Refuses a rule set whose `matches` patterns can backtrack catastrophically: `(a+)+$` against 27
 * `a`s and a `!` holds the event loop for half a minute, doubling with each character. Checked
 * (by recheck, outside the event loop) when the set is stored, so a bad pattern never runs; the
 * text a pattern runs on is cut to MAX_MATCHED_TEXT characters (rules.ts) for the rest.
 */
export async function refuseCatastrophicPatterns(ruleSet: RuleSet): Promise<void> {
  for (const [index, filter] of ruleSet.filters.entries()) {
    const problem = await unsafePattern(filter, index);
    if (problem) throw problem;
  }
}

/**
 * A stored rule set without the filters whose patterns fail that check (sets stored before the
 * check existed): such a filter never matches, and the caller logs why.
 */
export async function withoutCatastrophicPatterns(ruleSet: RuleSet): Promise<{ ruleSet: RuleSet; dropped: RuleSetError[] }> {
  const dropped: RuleSetError[] = [];
  const filters: Filter[] = [];
  for (const [index, filter] of ruleSet.filters.entries()) {
    const problem = await unsafePattern(filter, index);
    if (problem) dropped.push(problem);
    else filters.push(filter);
  }
  return { ruleSet: dropped.length ? { ...ruleSet, filters } : ruleSet, dropped };
}

async function unsafePattern(filter: Filter, index: number): Promise<RuleSetError | null> {
  for (const { path, pattern } of matchConditions(filter.when, `filters[${index}].when`)) {
    let verdict: Awaited<ReturnType<typeof check>>;
    try {
      verdict = await check(pattern, 'iu', { timeout: CHECK_TIMEOUT_MS });
    } catch {
      return new RuleSetError(path, `filter "${filter.name}": the regular expression ${pattern} could not be checked for catastrophic backtracking`);
    }
    if (verdict.status === 'safe') continue;
    // Quadratic patterns (`^.*faktura.*$`) are common and harmless on text cut to MAX_MATCHED_TEXT.
    if (verdict.status === 'vulnerable' && verdict.complexity.type === 'polynomial' && verdict.complexity.degree <= MAX_POLYNOMIAL_DEGREE) continue;
    const reason =
      verdict.status === 'vulnerable'
        ? `can take ${verdict.complexity.type === 'exponential' ? 'exponential' : `n^${verdict.complexity.degree}`} time on some texts (catastrophic backtracking)`
        : 'could not be shown to run in reasonable time';
    return new RuleSetError(path, `filter "${filter.name}": the regular expression ${pattern} ${reason}; write it without nested or overlapping repetition`);
  }
  return null;
}
