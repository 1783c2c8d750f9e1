// What one profile's frame names are, asked once per name: the summary's walk and the attribution's
// walk both ask for categories and signals, and the attribution also for the frame's kind and
// operator. Matching a name costs tens of regular expressions; a profile's rows repeat a few
// hundred names, so each is matched once here and every later question is an array lookup.
import { categorize } from './categories.ts';
import { dotted, isGenerated, isPassThrough, isTaskEntry, isUserFrame, operatorFrame } from './frame-kinds.ts';
import { signalsOf } from './signals.ts';
import { type Category, FRAME_TYPES, type ProfilingMode, type SignalId } from './types.ts';

/** Kind bits of a frame (see `kindOf`). */
export const USER_FRAME = 1;
export const PASS_THROUGH_FRAME = 2;
export const TASK_ENTRY_FRAME = 4;
/** neither JDK nor pass-through nor generated: a frame that can be blamed for cost */
export const MEANINGFUL_FRAME = 8;
/** a named Java (or native) frame, not a generated one: can be shown as a caller */
export const NAMED_FRAME = 16;

const TYPE_SLOTS = 8;

export class FrameClasses {
  readonly #names: readonly string[];
  readonly #mode: ProfilingMode | 'UNKNOWN';
  /** each name in dot form (async-profiler writes java/lang/Thread.run): every matcher reads this */
  readonly #dotted: Array<string | undefined>;
  /** per name id * TYPE_SLOTS + type */
  readonly #categories: Array<Category | undefined>;
  /** per name id * TYPE_SLOTS + type: kind bits, -1 until computed */
  readonly #kinds: Int16Array;
  readonly #signals: Array<readonly SignalId[] | undefined>;
  /** operator kind, null for "not an operator", undefined until computed */
  readonly #operators: Array<string | null | undefined>;

  constructor(names: readonly string[], mode: ProfilingMode | 'UNKNOWN') {
    this.#names = names;
    this.#mode = mode;
    this.#dotted = new Array<string | undefined>(names.length);
    this.#categories = new Array<Category | undefined>(names.length * TYPE_SLOTS);
    this.#kinds = new Int16Array(names.length * TYPE_SLOTS).fill(-1);
    this.#signals = new Array<readonly SignalId[] | undefined>(names.length);
    this.#operators = new Array<string | null | undefined>(names.length);
  }

  #dottedName(id: number): string {
    let name = this.#dotted[id];
    if (name === undefined) {
      name = dotted(this.#names[id]!);
      this.#dotted[id] = name;
    }
    return name;
  }

  /** The frame's own category (`type` is the index into FRAME_TYPES). */
  category(id: number, type: number): Category {
    const key = id * TYPE_SLOTS + type;
    let category = this.#categories[key];
    if (category === undefined) {
      category = categorize(this.#names[id]!, FRAME_TYPES[type]!, this.#mode, this.#dottedName(id));
      this.#categories[key] = category;
    }
    return category;
  }

  signals(id: number): readonly SignalId[] {
    let ids = this.#signals[id];
    if (ids === undefined) {
      ids = signalsOf(this.#dottedName(id));
      this.#signals[id] = ids;
    }
    return ids;
  }

  /** The kind bits (USER_FRAME, PASS_THROUGH_FRAME, ...) of a frame. */
  kindOf(id: number, type: number): number {
    const key = id * TYPE_SLOTS + type;
    let kind = this.#kinds[key]!;
    if (kind < 0) {
      const name = this.#dottedName(id);
      const pass = isPassThrough(name);
      const generated = isGenerated(name);
      const category = this.category(id, type);
      const bracketed = name.startsWith('[');
      kind =
        (isUserFrame(name, FRAME_TYPES[type]!) ? USER_FRAME : 0) |
        (pass ? PASS_THROUGH_FRAME : 0) |
        (isTaskEntry(name) ? TASK_ENTRY_FRAME : 0) |
        (!pass && !generated && category !== 'jdk' && category !== 'other' && category !== 'kernel' && !bracketed ? MEANINGFUL_FRAME : 0) |
        (!generated && !bracketed ? NAMED_FRAME : 0);
      this.#kinds[key] = kind;
    }
    return kind;
  }

  /** The operator class a frame enters (e.g. "StreamMap"), or null. */
  operatorKind(id: number): string | null {
    let kind = this.#operators[id];
    if (kind === undefined) {
      kind = operatorFrame(this.#dottedName(id))?.kind ?? null;
      this.#operators[id] = kind;
    }
    return kind;
  }
}
