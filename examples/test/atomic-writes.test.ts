// Every file the project writes goes through core's writeFileAtomic, so a write that fails
// midway leaves the previous file whole. One real failure: an example writing its report
// under a file-size limit (`ulimit -f`); and a scan of the sources for any other writer.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'tapestry-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('atomic writes', () => {
  it("an example's report keeps its previous contents when the write fails midway", () => {
    const out = join(scratch, 'sine.html');
    writeFileSync(out, 'previous report');
    const bin = join(root, 'examples', 'dist', 'bin', 'sine.js');
    let stderr = '';
    try {
      // An 8 KiB limit against a ~30 KB report; SIGXFSZ ignored so the write fails with EFBIG.
      execFileSync('bash', ['-c', `ulimit -f 8; trap '' XFSZ; exec node "$0" --cell rnn --hidden 2 --epochs 1 --out "$1"`, bin, out], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain(`could not write ${out}`);
    expect(readFileSync(out, 'utf8')).toBe('previous report');
    expect(readdirSync(scratch)).toEqual(['sine.html']);
  });

  it('no source writes a file any other way', () => {
    const writers = /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|writeSync)\s*\(/u;
    const offenders: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && entry.name !== 'dist') visit(path);
        } else if (entry.name.endsWith('.ts') && !path.endsWith(join('node', 'write-file-atomic.ts'))) {
          readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
            if (writers.test(line) && !/^\s*(\*|\/\/)/u.test(line)) offenders.push(`${relative(root, path)}:${i + 1}`);
          });
        }
      }
    };
    for (const dir of ['packages/core/src', 'packages/layers/src', 'packages/optim/src', 'packages/data/src', 'examples/src', 'bench/src', 'golden/src']) visit(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
