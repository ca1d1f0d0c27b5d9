// The atomic writer keeps the previous file whole when a write fails midway. The failure
// is real: a child process runs under a file-size limit (`ulimit -f`), so the kernel
// refuses the write past the limit with EFBIG partway through the new contents.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/node/index.js';

const moduleUrl = new URL('../dist/node/write-file-atomic.js', import.meta.url).href;
let folder = '';

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'tapestry-atomic-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** Runs writeFileAtomic(path, 'x' × bytes) in a node child limited to `limitKiB` KiB per file; returns its stderr. */
function writeUnderLimit(path: string, bytes: number, limitKiB: number): string {
  const script = `import { writeFileAtomic } from ${JSON.stringify(moduleUrl)};
try { writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(${bytes})); } catch (e) { process.stderr.write(e.message); process.exit(3); }`;
  try {
    // SIGXFSZ is ignored so the write fails with EFBIG instead of killing the process.
    execFileSync('bash', ['-c', `ulimit -f ${limitKiB}; trap '' XFSZ; exec node --input-type=module -e "$0"`, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    return '';
  } catch (e) {
    return String((e as { stderr: Buffer }).stderr);
  }
}

describe('writeFileAtomic', () => {
  it('writes new contents and leaves no temporary file', () => {
    const path = join(folder, 'vocab.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(folder)).toEqual(['vocab.json']);
  });

  it('keeps the previous file intact when the write fails midway', () => {
    const path = join(folder, 'vocab.json');
    writeFileSync(path, 'previous contents');
    const stderr = writeUnderLimit(path, 64 * 1024, 8); // 64 KiB against an 8 KiB limit
    expect(stderr).toContain(`could not write ${path}`);
    expect(readFileSync(path, 'utf8')).toBe('previous contents');
    expect(readdirSync(folder)).toEqual(['vocab.json']);
  });

  it('names the path when the folder does not exist', () => {
    const path = join(folder, 'missing', 'file.txt');
    expect(() => writeFileAtomic(path, 'x')).toThrow(`could not write ${path}`);
  });
});
