// Hostile and random inputs at the plugin's edges: command lines, names from the cluster, text
// for the terminal, secrets in streams. Each must end in a value or a typed error, and whatever
// comes back is safe to show: never another exception, never a raw control character.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../../src/cli/commands/index.ts';
import { parseCommandLine } from '../../../src/cli/parse-argv.ts';
import { renderError } from '../../../src/cli/render/errors.ts';
import { neutralize } from '../../../src/cli/render/terminal-sink.ts';
import { escapedFields } from '../../../src/cli/render/untrusted.ts';
import { checkArtifactFileName, MAX_ARTIFACT_NAME_BYTES } from '../../../src/artifacts/layout.ts';
import { ExitCode, SquirrlyError } from '../../../src/errors.ts';
import { SecretScrubber } from '../../../src/text/secrets.ts';
import { seededRandom } from '../../sim/flink/seeded-random.ts';
import { Chalk } from 'chalk';

const ITERATIONS = 2000;
/** what may never reach a terminal raw: C0 but tab and newline, DEL, C1, bidi controls, separators */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ONE_LINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Characters attackers and accidents use, mixed with ordinary ones. */
const HOSTILE_CHARS = ['\u001b', '[', ']', '\u0007', '\r', '\n', '\t', '\u0000', '\u007f', '\u0085', '\u009b', '\u009d', '\u202e', '\u2066', '\u200f', '\u061c', '\u2028', '\ud800', '\udc00', '😀', 'é', '/', '\\', '.', '-', '=', ' ', 'a', 'Z', '0', '9', 'x', 'e', '+', '"', "'", ';', ':'];

function hostileString(random: () => number, maxLength = 40): string {
  let s = '';
  for (let n = Math.floor(random() * maxLength); n > 0; n--) s += pick(random, HOSTILE_CHARS);
  return s;
}

const NUMBERS = ['0x10', '1e3', ' 5', '5 ', '+5', '-1', '0', '1', '60', '010', '1.5', 'Infinity', 'NaN', '0b11', '٣', '9'.repeat(30), ''];
const WORDS = ['profile', 'artifacts', 'doctor', 'analyze', 'version', 'sample-job', 'flinkdep/sample-job', 'Sample_Job', 'a'.repeat(300), '--', '-'];
const FLAGS = ['--duration', '-d', '--type', '-t', '--limit', '--output-dir', '--search-dirs', '--via', '--provider', '--base-url', '--model', '--taskmanager', '--download', '--request-timeout', '-n', '--namespace', '--context', '-o', '--progress', '--no-analysis', '--latest', '--all', '-q', '-v', '--bogus'];

function randomArgv(random: () => number): string[] {
  const argv: string[] = [];
  for (let n = 1 + Math.floor(random() * 6); n > 0; n--) {
    const r = random();
    if (r < 0.35) argv.push(pick(random, WORDS));
    else if (r < 0.7) argv.push(pick(random, FLAGS), random() < 0.5 ? pick(random, NUMBERS) : hostileString(random));
    else if (r < 0.85) argv.push(`${pick(random, FLAGS)}=${random() < 0.5 ? pick(random, NUMBERS) : hostileString(random)}`);
    else argv.push(hostileString(random));
  }
  return argv;
}

describe('fuzzed command lines', () => {
  it('parse to a command or a usage error whose message is one safe, short line', () => {
    const random = seededRandom('argv');
    const chalk = new Chalk({ level: 0 });
    for (let i = 0; i < ITERATIONS; i++) {
      const argv = randomArgv(random);
      try {
        parseCommandLine(argv, COMMANDS, {});
      } catch (err) {
        assert.ok(err instanceof SquirrlyError, `${JSON.stringify(argv)}: ${String(err)}`);
        assert.equal(err.exitCode, ExitCode.usage, `${JSON.stringify(argv)}: ${err.message}`);
        const shown = renderError(err, chalk, false).text;
        assert.doesNotMatch(shown.trimEnd(), UNSAFE, `${JSON.stringify(argv)} shows ${JSON.stringify(shown)}`);
        assert.ok(shown.length < 2000, `${JSON.stringify(argv)}: a ${shown.length}-character error`);
      }
    }
  });

  it('integer flags take plain decimal digits only', () => {
    const random = seededRandom('numbers');
    for (let i = 0; i < ITERATIONS; i++) {
      const raw = random() < 0.3 ? pick(random, NUMBERS) : hostileString(random, 6);
      let parsed: number | undefined;
      try {
        const inv = parseCommandLine(['profile', 'sample-job', '--duration', raw], COMMANDS, {});
        assert.equal(inv.kind, 'run');
        parsed = Number(raw);
      } catch (err) {
        assert.ok(err instanceof SquirrlyError && err.exitCode === ExitCode.usage, String(err));
      }
      if (parsed !== undefined) assert.match(raw, /^[0-9]+$/, `${JSON.stringify(raw)} was accepted`);
    }
  });
});

describe('fuzzed names from the cluster', () => {
  it('an accepted file name is plain, printable and leaves room for the temp name; a refusal is a typed error', () => {
    const random = seededRandom('file-names');
    let accepted = 0;
    for (let i = 0; i < ITERATIONS * 2; i++) {
      const name = random() < 0.1 ? 'x'.repeat(200 + Math.floor(random() * 60)) : hostileString(random, 30) + (random() < 0.5 ? '.html' : '');
      try {
        assert.equal(checkArtifactFileName(name), name);
        accepted++;
        assert.doesNotMatch(name, UNSAFE_ONE_LINE);
        assert.doesNotMatch(name, /[/\\]|^\./);
        assert.ok(Buffer.byteLength(name) <= MAX_ARTIFACT_NAME_BYTES);
        assert.equal(Buffer.from(name, 'utf8').toString('utf8'), name, 'no lone surrogate');
      } catch (err) {
        assert.ok(err instanceof SquirrlyError, String(err));
        assert.doesNotMatch(err.message, UNSAFE_ONE_LINE, JSON.stringify(err.message));
      }
    }
    assert.ok(accepted > 0, 'some names pass');
  });
});

describe('fuzzed text for the terminal', () => {
  it('after the sink, the only escape sequences are colour codes; after field escaping, one line with none', () => {
    const random = seededRandom('terminal');
    for (let i = 0; i < ITERATIONS; i++) {
      const text = hostileString(random, 80);
      const shown = neutralize(text, true);
      assert.doesNotMatch(shown.replace(/\u001b\[[0-9;]{0,16}m/g, ''), UNSAFE, JSON.stringify(text));
      assert.doesNotMatch(neutralize(text, false), UNSAFE);
      const field = escapedFields({ message: text, list: [text] });
      assert.doesNotMatch(field.message + field.list[0], UNSAFE_ONE_LINE);
    }
  });

  it('a key never survives the stream scrubber, however the stream is cut', () => {
    const random = seededRandom('secrets');
    const key = 'sk-fuzz-4f1b2c3d4e5f6a7b8c9d';
    const scrubber = new SecretScrubber([key]);
    for (let i = 0; i < ITERATIONS; i++) {
      const text = `${hostileString(random, 20)}${key}${hostileString(random, 5)}${random() < 0.5 ? key.slice(0, 10) : ''}${key}`;
      const stream = scrubber.stream();
      let out = '';
      for (let at = 0; at < text.length; ) {
        const n = 1 + Math.floor(random() * 12);
        out += stream.push(text.slice(at, at + n));
        at += n;
      }
      out += stream.flush();
      assert.ok(!out.includes(key), JSON.stringify(out));
      assert.equal(out, scrubber.scrub(text), 'the same text as scrubbing it whole');
    }
  });
});
