// Label and field selectors of list requests (the equality, existence and set-based forms).

type Requirement = (labels: Record<string, string>) => boolean;

export class SelectorError extends Error {}

/** Splits on commas that are not inside the parentheses of `in (a,b)`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const labelKey = /^([a-z0-9A-Z]([-a-z0-9A-Z_.\/]*[a-z0-9A-Z])?)$/;

function checkKey(key: string, term: string): string {
  if (!labelKey.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}" in "${term}"`);
  return key;
}

function parseRequirement(term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (set) {
    const key = checkKey(set[1] ?? '', term);
    const values = new Set((set[3] ?? '').split(',').map((v) => v.trim()));
    return set[2] === 'in'
      ? (labels) => labels[key] !== undefined && values.has(labels[key])
      : (labels) => labels[key] === undefined || !values.has(labels[key]);
  }
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (equality) {
    const key = checkKey(equality[1] ?? '', term);
    const value = equality[3] ?? '';
    return equality[2] === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  if (term.startsWith('!')) {
    const key = checkKey(term.slice(1).trim(), term);
    return (labels) => labels[key] === undefined;
  }
  const key = checkKey(term, term);
  return (labels) => labels[key] !== undefined;
}

/** Parses a labelSelector into a predicate; throws SelectorError for malformed input. */
export function parseLabelSelector(selector: string): (labels: Record<string, string>) => boolean {
  const requirements = splitTerms(selector).map(parseRequirement);
  return (labels) => requirements.every((matches) => matches(labels));
}

const supportedFields = ['metadata.name', 'metadata.namespace'] as const;
type SupportedField = (typeof supportedFields)[number];

/** Parses a fieldSelector over metadata.name and metadata.namespace. */
export function parseFieldSelector(selector: string): (fields: Record<SupportedField, string>) => boolean {
  const checks = splitTerms(selector).map((term) => {
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(term);
    if (!match) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = (match[1] ?? '').trim();
    if (!(supportedFields as readonly string[]).includes(field)) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    const value = (match[3] ?? '').trim();
    const negate = match[2] === '!=';
    return (fields: Record<SupportedField, string>) => (fields[field as SupportedField] === value) !== negate;
  });
  return (fields) => checks.every((check) => check(fields));
}
