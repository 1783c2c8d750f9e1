// `--redact`: user package and class names become stable placeholders before a request leaves the machine,
// and the placeholders in the answer turn back into the real names.

/** Packages whose names say nothing about the user's code (slash form, as in flame graph frames). */
const FRAMEWORK_PREFIXES = [
  'org/apache/flink/', 'java/', 'javax/', 'jdk/', 'sun/', 'com/sun/', 'scala/', 'kotlin/', 'kotlinx/',
  'org/apache/kafka/', 'com/esotericsoftware/', 'org/rocksdb/', 'io/netty/', 'org/slf4j/', 'org/apache/logging/',
  'org/apache/log4j/', 'ch/qos/logback/', 'com/fasterxml/', 'org/apache/avro/', 'com/google/protobuf/',
  'com/google/common/', 'org/apache/commons/', 'org/apache/hadoop/', 'org/xerial/snappy/', 'net/jpountz/',
  'com/github/luben/zstd/', 'org/apache/parquet/', 'org/apache/orc/', 'org/apache/calcite/', 'org/codehaus/janino/',
  'io/micrometer/', 'io/grpc/', 'com/typesafe/', 'akka/', 'org/apache/pekko/', 'org/objenesis/',
  'org/apache/iceberg/', 'org/apache/paimon/', 'org/apache/hive/', 'software/amazon/awssdk/', 'com/amazonaws/',
  'io/debezium/', 'org/apache/http/', 'okhttp3/', 'org/jctools/', 'it/unimi/dsi/fastutil/',
];

/** `pkg/sub/Class.method` (method optional); the class part may hold `$` for nested and lambda classes. */
const SLASH_NAME = /^((?:[A-Za-z_$][\w$]*\/)+)([A-Za-z_$][\w$]*)(?:\.(.+))?$/;
/** Allocated or lock classes in ALLOC/LOCK leaves: `com.acme.Order` or `com.acme.Order[]`. */
const DOTTED_NAME = /^((?:[a-z_][\w$]*\.)+)([A-Z_$][\w$]*)((?:\[\])*)$/;

export function isFrameworkPackage(slashPackage: string): boolean {
  return FRAMEWORK_PREFIXES.some((p) => slashPackage.startsWith(p));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

interface ClassEntry {
  /** slash-separated package with trailing slash, e.g. `com/acme/orders/` */
  pkg: string;
  simple: string;
  pkgIndex: number;
  classIndex: number;
}

/**
 * Built from every frame name that will be sent. Numbering follows the sorted names, so the same input
 * always gets the same placeholders no matter in which order frames were seen.
 */
export class Redactor {
  readonly #classes: ClassEntry[] = [];
  readonly #packages: string[] = [];
  readonly #pattern: RegExp | undefined;
  readonly #replacement = new Map<string, string>();

  constructor(frameNames: Iterable<string>) {
    const qualified = new Set<string>();
    const frameworkSimple = new Set<string>();
    for (const name of frameNames) {
      const slash = SLASH_NAME.exec(name);
      const dotted = slash ? undefined : DOTTED_NAME.exec(name);
      const pkg = slash?.[1] ?? dotted?.[1]?.replaceAll('.', '/');
      const simple = slash?.[2] ?? dotted?.[2];
      if (pkg === undefined || simple === undefined) continue;
      if (isFrameworkPackage(pkg)) frameworkSimple.add(simple);
      else qualified.add(pkg + simple);
    }
    const pkgIndex = new Map<string, number>();
    for (const fq of [...qualified].sort()) {
      const cut = fq.lastIndexOf('/') + 1;
      const pkg = fq.slice(0, cut);
      if (!pkgIndex.has(pkg)) {
        this.#packages.push(pkg);
        pkgIndex.set(pkg, this.#packages.length);
      }
      this.#classes.push({ pkg, simple: fq.slice(cut), pkgIndex: pkgIndex.get(pkg) ?? 0, classIndex: this.#classes.length + 1 });
    }
    for (const c of this.#classes) {
      const slashPh = `app/pkg${c.pkgIndex}/Class${c.classIndex}`;
      this.#replacement.set(c.pkg + c.simple, slashPh);
      this.#replacement.set((c.pkg + c.simple).replaceAll('/', '.'), slashPh.replaceAll('/', '.'));
      // Builtin findings may quote a bare class name; only safe when no framework class shares it.
      if (!frameworkSimple.has(c.simple) && c.simple.length >= 3) this.#replacement.set(c.simple, `Class${c.classIndex}`);
    }
    this.#packages.forEach((pkg, i) => {
      const bare = pkg.slice(0, -1);
      this.#replacement.set(bare, `app/pkg${i + 1}`);
      this.#replacement.set(bare.replaceAll('/', '.'), `app.pkg${i + 1}`);
    });
    if (this.#replacement.size > 0) {
      // Longest first, so a class wins over its package and `Foo$Bar` over `Foo`.
      const alternatives = [...this.#replacement.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
      this.#pattern = new RegExp(`(?<![\\w$])(?:${alternatives.map(escapeRegExp).join('|')})(?![\\w$])`, 'g');
    }
  }

  /** How many user classes and packages got placeholders. */
  get counts(): { classes: number; packages: number } {
    return { classes: this.#classes.length, packages: this.#packages.length };
  }

  redact(text: string): string {
    if (!this.#pattern) return text;
    return text.replace(this.#pattern, (m) => this.#replacement.get(m) ?? m);
  }

  /** Puts the real names back; unknown placeholder numbers stay as written. */
  restore(text: string): string {
    return text.replace(/\bapp([./])pkg(\d+)(?:\1Class(\d+))?\b|\bClass(\d+)\b/g, (m, sep: string | undefined, p, c, bare) => {
      if (c !== undefined || bare !== undefined) {
        const cls = this.#classes[Number(c ?? bare) - 1];
        if (!cls) return m;
        if (bare !== undefined) return cls.simple;
        const fq = cls.pkg + cls.simple;
        return sep === '.' ? fq.replaceAll('/', '.') : fq;
      }
      const pkg = this.#packages[Number(p) - 1];
      if (!pkg) return m;
      const bareOriginal = pkg.slice(0, -1);
      return sep === '.' ? bareOriginal.replaceAll('/', '.') : bareOriginal;
    });
  }

  /**
   * Restores a streamed answer chunk by chunk. A placeholder never contains anything but letters, digits,
   * `/` and `.`, so the trailing run of those characters is held back until the next chunk shows where it ends.
   */
  streamRestorer(): { push(chunk: string): string; flush(): string } {
    let pending = '';
    const maxHeld = 256;
    return {
      push: (chunk) => {
        pending += chunk;
        const tail = /[\w/.$]*$/.exec(pending)?.[0] ?? '';
        if (tail.length === pending.length && pending.length < maxHeld) return '';
        const cut = tail.length >= maxHeld ? pending.length : pending.length - tail.length;
        const ready = pending.slice(0, cut);
        pending = pending.slice(cut);
        return this.restore(ready);
      },
      flush: () => {
        const rest = pending;
        pending = '';
        return this.restore(rest);
      },
    };
  }
}
