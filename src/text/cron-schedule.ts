// A CronJob schedule checked the way the CronJob controller reads it (five fields: minute, hour,
// day of month, month, day of week; lists, ranges, steps, month and day names, and the @ macros),
// so a typo is a usage error here instead of a CronJob that never runs.

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** Why the schedule is not one the CronJob controller accepts, or undefined when it is. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) return (MACROS as readonly string[]).includes(text) ? undefined : `${text} is not one of ${MACROS.join(', ')}`;
  // the controller refuses TZ= in the schedule since Kubernetes 1.27: spec.timeZone says it
  if (/^(CRON_)?TZ=/.test(text)) return 'a time zone in the schedule is refused by Kubernetes';
  const fields = text.split(/\s+/);
  if (fields.length !== 5) return `it has ${fields.length} field(s); a schedule has five: minute hour day-of-month month day-of-week`;
  for (const [index, field] of FIELDS.entries()) {
    const problem = fieldProblem(fields[index]!, field);
    if (problem) return `${field.name} "${fields[index]}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one /';
    if (step !== undefined && !(/^[0-9]{1,2}$/.test(step) && Number(step) > 0)) return `the step "${step}" is not a whole number above 0`;
    if (range === '*' || range === '?') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `"${range}" is not a value or a range`;
    const values = bounds.map((b) => valueOf(b, field));
    if (values.some((v) => v === undefined)) return `"${range}" is not a number from ${field.min} to ${field.max}${field.names ? ` or a name (${field.names[0]}..)` : ''}`;
    if (values.length === 2 && values[0]! > values[1]!) return `the range "${range}" runs backwards`;
  }
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named < 0) return undefined;
  return field.min + named;
}
