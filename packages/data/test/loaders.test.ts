import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { Vocab, wordTokenizer } from '../src/index.js';
import { datasetURL, loadSurnames, loadTinyShakespeare, loadVocab, saveVocab } from '../src/node/index.js';
import { expectLeft, expectRight } from './helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'tapestry-data-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function scratchFile(name: string, content: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe('loadTinyShakespeare', () => {
  it('loads the bundled, gzipped text', () => {
    const text = expectRight(loadTinyShakespeare());
    expect(text.length).toBe(1115394);
    expect(text.startsWith('First Citizen:\nBefore we proceed any further, hear me speak.')).toBe(true);
  });

  it("reads a user's own file, plain or gzipped", () => {
    const plain = scratchFile('plain.txt', 'To be, or not to be\n');
    const zipped = scratchFile('zipped.txt.gz', gzipSync(Buffer.from('Ay, there’s the rub\n')));
    expect(expectRight(loadTinyShakespeare({ path: plain }))).toBe('To be, or not to be\n');
    expect(expectRight(loadTinyShakespeare({ path: zipped }))).toBe('Ay, there’s the rub\n');
  });

  it('reports a file that is not UTF-8 with its name and line', () => {
    const path = scratchFile('latin1.txt', Uint8Array.from([...Buffer.from('Romeo\nJuli'), 0xe9, 0x0a]));
    const err = expectLeft(loadTinyShakespeare({ path }), 'encoding');
    expect([err.file, err.line]).toEqual([path, 2]);
    expect(err.message).toContain(`${path}:2:5: not valid UTF-8`);
  });

  it('reports an empty corpus, a missing file and broken gzip', () => {
    expect(expectLeft(loadTinyShakespeare({ path: scratchFile('empty.txt', '') }), 'empty').file).toContain('empty.txt');
    expect(expectLeft(loadTinyShakespeare({ path: join(scratch, 'nope.txt') }), 'io').message).toContain('nope.txt');
    const broken = scratchFile('broken.gz', Uint8Array.from([0x1f, 0x8b, 1, 2, 3]));
    expectLeft(loadTinyShakespeare({ path: broken }), 'encoding');
  });
});

describe('loadSurnames', () => {
  const namesDir = datasetURL('names/');
  const languageFiles = readdirSync(namesDir).filter((f) => f.endsWith('.txt')).sort();

  it('loads 17 languages with every line of every file, accents kept', () => {
    const { examples, languages } = expectRight(loadSurnames());
    expect(languages).toHaveLength(17);
    expect(languages).toEqual(languageFiles.map((f) => f.replace(/\.txt$/, '')));
    const lineCount = languageFiles.reduce((sum, f) => sum + readFileSync(new URL(f, namesDir), 'utf8').split('\n').filter((l) => l !== '').length, 0);
    expect(examples).toHaveLength(lineCount);
    const french = languages.indexOf('French');
    expect(examples).toContainEqual({ name: 'Béringer', language: 'French', label: french });
    expect(examples.every((e) => languages[e.label] === e.language)).toBe(true);
    expect(examples.some((e) => /[^\u0000-\u007f]/.test(e.name))).toBe(true);
  });

  it('folds to ASCII on request', () => {
    const folded = expectRight(loadSurnames({ ascii: true }));
    expect(folded.examples.every((e) => /^[\u0000-\u007f]*$/.test(e.name))).toBe(true);
    expect(folded.examples.map((e) => e.name)).toContain('Beringer');
    expect(folded.examples).toHaveLength(expectRight(loadSurnames()).examples.length);
  });

  it("reads a user's folder, and reports an empty line with file and line", () => {
    const dir = join(scratch, 'names-ok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'Welsh.txt'), 'Jones\nDavies\n');
    writeFileSync(join(dir, 'Breton.txt'), 'Le Gall\n');
    writeFileSync(join(dir, 'notes.md'), 'ignored');
    const set = expectRight(loadSurnames({ dir }));
    expect(set.languages).toEqual(['Breton', 'Welsh']);
    expect(set.examples.map((e) => [e.name, e.label])).toEqual([['Le Gall', 0], ['Jones', 1], ['Davies', 1]]);

    writeFileSync(join(dir, 'Cornish.txt'), 'Pengelly\n\nTrevithick\n');
    const err = expectLeft(loadSurnames({ dir }), 'parse');
    expect([err.file, err.line]).toEqual([join(dir, 'Cornish.txt'), 2]);
  });

  it('reports a missing folder, a folder with no label files and a non-UTF-8 label file', () => {
    expectLeft(loadSurnames({ dir: join(scratch, 'missing') }), 'io');
    const emptyDir = join(scratch, 'names-empty');
    mkdirSync(emptyDir);
    expectLeft(loadSurnames({ dir: emptyDir }), 'empty');
    const badDir = join(scratch, 'names-bad');
    mkdirSync(badDir);
    writeFileSync(join(badDir, 'French.txt'), Uint8Array.from([...Buffer.from('Abel\nB'), 0xe9, ...Buffer.from('ringer\n')]));
    const err = expectLeft(loadSurnames({ dir: badDir }), 'encoding');
    expect([err.file, err.line, err.column]).toEqual([join(badDir, 'French.txt'), 2, 2]);
  });
});

describe('vocabulary files', () => {
  it('save and load back to the same vocabulary', () => {
    const vocab = Vocab.build('the cat and the hat', { tokenizer: wordTokenizer, minFreq: 1 });
    const path = join(scratch, 'vocab.json');
    expectRight(saveVocab(path, vocab));
    const back = expectRight(loadVocab(path));
    expect(back.tokens).toEqual(vocab.tokens);
    expect(back.tokenizer).toBe(wordTokenizer);
  });

  it('name the file of a bad vocabulary', () => {
    const path = scratchFile('bad-vocab.json', '{"format": "tapestry-vocab", "version": 1}');
    expect(expectLeft(loadVocab(path), 'parse').file).toBe(path);
    expectLeft(saveVocab(join(scratch, 'no-such-dir', 'v.json'), Vocab.build('a')), 'io');
  });
});

describe('packaging', () => {
  it('ships the datasets folder', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('datasets');
  });
});
