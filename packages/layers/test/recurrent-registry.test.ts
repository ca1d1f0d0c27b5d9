import { expect, it } from 'vitest';
import { registeredOps } from '@tapestry/core';

// This file imports only core statically, so the ops that appear after loading the
// package are exactly the ones it registers. Each must have a gradient check in
// recurrent-gradients.test.ts; a new fused op without one fails here.
const CHECKED = ['gruGates', 'lstmGates'];

it('every op registered by @tapestry/layers has a gradient check', async () => {
  const before = registeredOps().length;
  await import('../src/index.js');
  const added = registeredOps()
    .slice(before)
    .map((op) => op.name)
    .sort();
  expect(added).toEqual(CHECKED);
});
