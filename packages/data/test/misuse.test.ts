// Misuse of the data package: each case a regression test for a probe that misbehaved.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Vocab, lmStream, padBatch, parseLineFile, parseVocab, sineWindows, splitLines, vocabFromJSON, wordTokenizer } from '../src/index.js';
import { datasetURL, loadSurnames, loadVocab, readTextFile, saveVocab } from '../src/node/index.js';
import { expectLeft, expectRight, expectThrows, numRuns } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'tapestry-data-misuse-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('saveVocab is atomic', () => {
  const nodeEntry = new URL('../dist/node/index.js', import.meta.url).href;
  const rootEntry = new URL('../dist/index.js', import.meta.url).href;

  /** saveVocab of a vocabulary of `tokens` tokens in a node child whose files may not exceed `limitKiB` KiB. */
  function saveUnderLimit(path: string, tokens: number, limitKiB: number): string {
    const script = `import { Vocab } from ${JSON.stringify(rootEntry)};
import { saveVocab } from ${JSON.stringify(nodeEntry)};
const words = Array.from({ length: ${tokens} }, (_, i) => 'token' + i);
const result = saveVocab(${JSON.stringify(path)}, Vocab.fromTokens(words));
if (result._tag === 'Left') { process.stderr.write(result.left.message); process.exit(3); }`;
    try {
      // SIGXFSZ ignored: the write fails with EFBIG partway instead of killing the process.
      execFileSync('bash', ['-c', `ulimit -f ${limitKiB}; trap '' XFSZ; exec node --input-type=module -e "$0"`, script], { stdio: ['ignore', 'pipe', 'pipe'] });
      return '';
    } catch (e) {
      return String((e as { stderr: Buffer }).stderr);
    }
  }

  it('a write that fails midway (file-size limit) leaves the previous vocabulary whole', () => {
    const path = join(scratch, 'atomic', 'vocab.json');
    const folder = join(scratch, 'atomic');
    execFileSync('mkdir', ['-p', folder]);
    expectRight(saveVocab(path, Vocab.build('previous')));
    const before = readFileSync(path, 'utf8');
    const stderr = saveUnderLimit(path, 20_000, 8); // ~300 KiB of JSON against an 8 KiB limit
    expect(stderr).toContain(`${path}: cannot write the file`);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(expectRight(loadVocab(path)).tokens).toEqual(Vocab.build('previous').tokens);
    expect(readdirSync(folder)).toEqual(['vocab.json']);
  });
});

describe('the vocabulary round trip is exact: no normalisation anywhere', () => {
  it('Ω (U+2126) and Ω (U+03A9) stay two tokens; café with a combining accent stays known', () => {
    const path = join(scratch, 'unicode.json');
    const vocab = Vocab.build(['\u2126\u03a9', 'cafe\u0301'], { tokenizer: wordTokenizer });
    expectRight(saveVocab(path, vocab));
    const back = expectRight(loadVocab(path));
    expect(back.tokens).toEqual(vocab.tokens);
    expect(back.encode('cafe\u0301')).toEqual(vocab.encode('cafe\u0301'));
    expect(back.encode('cafe\u0301')[0]).not.toBe(back.unkId);
  });

  // Arbitrary code points (lone surrogates included), mixed with ones that Unicode
  // normalisation changes: singletons (Ω, Å), combining sequences, Hangul jamo, ligatures.
  const sensitive = ['\u2126', '\u03a9', 'e\u0301', '\u00e9', 'A\u030a', '\u212b', '\u00c5', '\u1100\u1161', '\uac00', '\ufb01', '\u0301', '\u0323\u0307'];
  const unicodeText = (minLength: number, maxLength: number): fc.Arbitrary<string> =>
    fc.array(fc.oneof(fc.constantFrom(...sensitive), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), { minLength, maxLength }).map((parts) => parts.join(''));

  it('save → load → encode gives the same ids for arbitrary Unicode', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(unicodeText(1, 4), { minLength: 1, maxLength: 6 }), unicodeText(0, 8), (corpus, probe) => {
        const vocab = Vocab.build(corpus);
        const path = join(scratch, `round-${n++}.json`);
        expectRight(saveVocab(path, vocab));
        const back = expectRight(loadVocab(path));
        expect(back.tokens).toEqual(vocab.tokens);
        for (const text of [...corpus, probe]) expect(back.encode(text)).toEqual(vocab.encode(text));
      }),
      { numRuns },
    );
  });

  it('readTextFile returns the text exactly as written', () => {
    const text = 'A\u030a \u212b \u00c5\n';
    const path = join(scratch, 'forms.txt');
    writeFileSync(path, text);
    expect(expectRight(readTextFile(path))).toBe(text);
  });
});

describe('URLs and dataset names', () => {
  it('a non-file URL is a Left, never a throw', () => {
    for (const url of [new URL('https://example.com/vocab.json'), new URL('data:text/plain,abc')]) {
      expect(expectLeft(loadVocab(url), 'io').message).toContain(url.protocol);
      expectLeft(readTextFile(url), 'io');
      expectLeft(loadSurnames({ dir: url }), 'io');
    }
    expect(expectRight(readTextFile(pathToFileURL(join(scratch, 'forms.txt'))))).toContain('\u212b');
  });

  it('datasetURL refuses names that leave the datasets folder', () => {
    for (const bad of ['../../..', '../package.json', '/etc/passwd', 'names/../../src/index.ts', '%2e%2e/%2e%2e/x', 'file:///etc/passwd', '']) {
      expectThrows(() => datasetURL(bad), 'invalid-argument', 'datasetURL');
    }
    expect(datasetURL('names/').href.endsWith('/datasets/names/')).toBe(true);
  });
});

describe('vocabulary JSON is checked as strictly as Vocab.build', () => {
  const good = JSON.parse(JSON.stringify(Vocab.build('abc'))) as Record<string, unknown>;

  it('pad = unk is refused', () => {
    const err = expectLeft(vocabFromJSON({ ...good, specials: { pad: '<pad>', unk: '<pad>' } }, { file: 'v.json' }), 'parse');
    expect(err.message).toContain('special tokens must be distinct');
  });

  it('an empty token is refused', () => {
    const err = expectLeft(vocabFromJSON({ ...good, tokens: [...(good.tokens as string[]), ''] }), 'parse');
    expect(err.message).toMatch(/token with id 7 is empty/);
  });

  it('an unknown field or a property given twice is refused, not ignored', () => {
    expect(expectLeft(vocabFromJSON({ ...good, maxSize: 3 }), 'parse').message).toContain('unknown field "maxSize"');
    const twice = '{"format":"tapestry-vocab","version":1,"tokenizer":"chars","tokens":["a"],\n"tokens":["b"],"specials":{}}';
    const err = expectLeft(parseVocab(twice, { file: 'v.json' }), 'parse');
    expect(err.message).toBe('v.json:2:1: invalid JSON: the property "tokens" is given twice in one object');
  });

  it('truncated JSON names the last line', () => {
    const text = JSON.stringify(good, null, 1);
    const cut = text.slice(0, text.length - 10);
    const err = expectLeft(parseVocab(cut, { file: 'v.json' }), 'parse');
    expect(err.line).toBe(cut.split('\n').length);
    expect(err.message).toMatch(/^v\.json:\d+:\d+: invalid JSON: unexpected end of input/);
  });

  it('a syntax error mid-file names its line and column, and does not quote the whole file', () => {
    const err = expectLeft(parseVocab('{\n "format": "tapestry-vocab",\n "tokens": ["a",}\n}', { file: 'v.json' }), 'parse');
    expect([err.line, err.column]).toEqual([3, 17]);
    expect(err.message).not.toContain('tapestry-vocab');
  });
});

describe('line endings', () => {
  it('a lone \\r ends a line, as \\n and \\r\\n do', () => {
    expect(splitLines('Abe\rBo\rCy\r')).toEqual(['Abe', 'Bo', 'Cy']);
    expect(splitLines('a\r\nb\rc\nd')).toEqual(['a', 'b', 'c', 'd']);
    expect(expectLeft(parseLineFile('Abe\r\rBo', 'n.txt'), 'parse').line).toBe(2);
  });
});

describe('unknown options are errors, not silent defaults', () => {
  it('a misspelt option name', () => {
    expectThrows(() => padBatch([[1]], { truncation: 'end' } as never), 'invalid-argument', 'padBatch: unknown option "truncation"');
    expectThrows(() => Vocab.build('abc', { minFrequency: 2 } as never), 'invalid-argument', 'Vocab.build: unknown option "minFrequency"');
    expectThrows(() => lmStream([1, 2, 3], { batchSize: 1, seqLen: 1, seqLength: 2 } as never), 'invalid-argument', 'seqLength');
    expectThrows(() => sineWindows({ window: 5 } as never), 'invalid-argument', 'sineWindows');
    expectLeft(parseVocab(JSON.stringify(Vocab.build('a')), { tokenizer: wordTokenizer } as never), 'invalid-argument');
  });

  it('an unknown value of truncate or maskDType', () => {
    expectThrows(() => padBatch([[1, 2, 3]], { maxLength: 2, truncate: 'middle' as never }), 'invalid-argument', 'truncate must be one of "error", "end", "start"');
    expectThrows(() => padBatch([[1]], { maskDType: 'int32' as never }), 'invalid-argument', 'maskDType');
  });
});
