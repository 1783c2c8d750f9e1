import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFrameworkPackage, Redactor } from '../../../src/analysis/redact.ts';

const frames = [
  'java/lang/Thread.run',
  'org/apache/flink/streaming/runtime/tasks/StreamTask.invoke',
  'com/acme/fraud/ScoringFunction.processElement',
  'com/acme/fraud/ScoringFunction$1.apply',
  'com/acme/fraud/model/FeatureVector.normalize',
  'com.acme.fraud.model.Transaction[]',
  'java.lang.String',
  'org/rocksdb/RocksDB.get',
  'Java_org_rocksdb_RocksDB_get__JJ_3BII',
];

describe('redaction', () => {
  it('knows framework packages', () => {
    assert.equal(isFrameworkPackage('org/apache/flink/runtime/'), true);
    assert.equal(isFrameworkPackage('io/netty/buffer/'), true);
    assert.equal(isFrameworkPackage('com/acme/'), false);
  });

  it('replaces user classes and packages, keeps framework names and methods', () => {
    const r = new Redactor(frames);
    const text = frames.join('\n') + '\nsee ScoringFunction and com.acme.fraud.model.FeatureVector in com/acme/fraud';
    const out = r.redact(text);
    assert.doesNotMatch(out, /acme|ScoringFunction|FeatureVector|Transaction/);
    assert.match(out, /java\/lang\/Thread\.run/);
    assert.match(out, /org\/apache\/flink\/streaming\/runtime\/tasks\/StreamTask\.invoke/);
    assert.match(out, /org\/rocksdb\/RocksDB\.get/);
    assert.match(out, /app\/pkg\d+\/Class\d+\.processElement/);
    assert.match(out, /app\.pkg\d+\.Class\d+\[\]/);
    assert.deepEqual(r.counts, { classes: 4, packages: 2 });
    assert.equal(r.restore(out), text);
  });

  it('is stable: the same names get the same placeholders whatever the order', () => {
    const a = new Redactor(frames);
    const b = new Redactor([...frames].reverse());
    assert.equal(a.redact(frames.join(' ')), b.redact(frames.join(' ')));
  });

  it('restores placeholders in either separator style and leaves unknown ones', () => {
    const r = new Redactor(['com/acme/fraud/ScoringFunction.processElement']);
    const sent = r.redact('com/acme/fraud/ScoringFunction.processElement');
    assert.equal(sent, 'app/pkg1/Class1.processElement');
    assert.equal(r.restore('Make app.pkg1.Class1 async; Class1 is hot; app/pkg1 too; Class9 stays.'),
      'Make com.acme.fraud.ScoringFunction async; ScoringFunction is hot; com/acme/fraud too; Class9 stays.');
  });

  it('restores a stream whose chunks split a placeholder', () => {
    const r = new Redactor(frames);
    const answer = r.redact('Speed up com/acme/fraud/model/FeatureVector.normalize (31%) and cache com.acme.fraud.model.Transaction objects.');
    const expected = r.restore(answer);
    // every possible two-way split, plus one-character chunks
    for (let cut = 0; cut <= answer.length; cut++) {
      const s = r.streamRestorer();
      const got = s.push(answer.slice(0, cut)) + s.push(answer.slice(cut)) + s.flush();
      assert.equal(got, expected, `split at ${cut}`);
    }
    const s = r.streamRestorer();
    assert.equal([...answer].map((c) => s.push(c)).join('') + s.flush(), expected);
    assert.match(expected, /com\/acme\/fraud\/model\/FeatureVector\.normalize/);
  });
});
