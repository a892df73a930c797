/**
 * A matcher of EventBridge event patterns, for the subset this app's rules use, to run the
 * synthesized patterns against events in tests. No npm package of the registry implements
 * EventBridge's matching (AWS's own, aws/event-ruler, is a Java library), so it follows the
 * documented semantics ("Event pattern syntax" and "Comparison operators for use in event
 * patterns in Amazon EventBridge", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html) and
 * is tested on the examples of those pages (test/ecs.test.ts):
 * - every field of the pattern must match (AND); a field's array of values matches when any does
 *   (OR); an array in the event matches when any of its elements does;
 * - exact values are strings, numbers, booleans and null, compared exactly;
 * - `{ "exists": true | false }` works on leaf fields only: an object where a leaf is expected
 *   does not exist for it (`exists: false` matches it, `exists: true` does not);
 * - `"$or": [ {...}, {...} ]` at any level: any of the patterns matches the same part of the event.
 * Any other operator (prefix, anything-but, numeric, ...) throws: the matcher never guesses.
 */
export function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  const node = isObject(event) ? event : {};
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      if (!Array.isArray(expected) || expected.length < 2 || !expected.every(isObject)) {
        throw new Error(`$or takes an array of at least two patterns, got ${JSON.stringify(expected)}`);
      }
      return expected.some((p) => matches(p, node));
    }
    const value = node[key];
    if (Array.isArray(expected)) return expected.some((m) => leafMatches(m, value));
    if (isObject(expected)) {
      // An array of objects in the event: its elements are that field's values.
      return Array.isArray(value) ? value.some((v) => matches(expected, v)) : matches(expected, value);
    }
    throw new Error(`a pattern field's value is an array or an object, got ${JSON.stringify(expected)} for ${key}`);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The leaf values of an event field: none for an absent field or an object (not a leaf). */
function leaves(value: unknown): unknown[] {
  if (value === undefined || isObject(value)) return [];
  return Array.isArray(value) ? value.filter((v) => !isObject(v) && !Array.isArray(v)) : [value];
}

function leafMatches(matcher: unknown, value: unknown): boolean {
  if (isObject(matcher)) {
    const keys = Object.keys(matcher);
    if (keys.length !== 1 || keys[0] !== 'exists' || typeof matcher.exists !== 'boolean') {
      throw new Error(`unsupported matcher ${JSON.stringify(matcher)} (only exact values and exists)`);
    }
    return (leaves(value).length > 0) === matcher.exists;
  }
  if (Array.isArray(matcher)) throw new Error(`a value matcher cannot be an array: ${JSON.stringify(matcher)}`);
  return leaves(value).some((v) => v === matcher);
}
