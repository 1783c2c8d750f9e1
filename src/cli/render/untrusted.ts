// Values from outside the plugin (Flink answers, TaskManager ids, CR status, pod and file names,
// kube errors, model text) escaped before a renderer lays them out, so a control character can
// neither act on the terminal nor break a line into a fake one. Renderers get values already
// escaped: workflow events (through the progress renderers) and command results (before the text
// view); JSON views take the raw values, JSON.stringify escapes them there.
import { visible } from '../../text/visible.ts';
import type { WorkflowEvent } from '../../workflow/events.ts';

/**
 * `value` with every string in it escaped (newlines too: one field is one line). Plain objects and
 * arrays are copied; anything else (numbers, errors, class instances) is kept as it is.
 */
export function escapedFields<T>(value: T, scrub: (s: string) => string = (s) => s, depth = 0): T {
  if (typeof value === 'string') return visible(scrub(value)) as T;
  if (depth > 16 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => escapedFields(v, scrub, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = escapedFields(v, scrub, depth + 1);
  return out as T;
}

export function escapedEvent<E extends WorkflowEvent>(event: E, scrub?: (s: string) => string): E {
  return escapedFields(event, scrub);
}

/** A multi-line text (the model's answer, a stack trace): lines kept, everything else escaped. */
export function escapedText(text: string): string {
  return visible(text, { keepNewlines: true });
}
