// The registry that detects a second loaded copy of core (the end-to-end test with a real
// nested copy is examples/test/installed-packages.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TapestryError, coreVersion } from '../src/index.js';
import { registerCoreCopy } from '../src/single-copy.js';

describe('one copy of core per process', () => {
  it('coreVersion is the version in package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(coreVersion).toBe(manifest.version);
  });

  it('the same file loaded again is fine; another file throws, naming both copies', () => {
    const self = new URL('../src/tensor/tensor.ts', import.meta.url).href;
    expect(() => registerCoreCopy(self)).not.toThrow();
    const other = 'file:///app/node_modules/@tapestry/layers/node_modules/@tapestry/core/dist/tensor/tensor.js';
    expect(() => registerCoreCopy(other, '9.9.9')).toThrow(TapestryError);
    expect(() => registerCoreCopy(other, '9.9.9')).toThrow(`@tapestry/core is loaded twice: version ${coreVersion} from ${self} and version 9.9.9 from ${other}`);
  });
});
