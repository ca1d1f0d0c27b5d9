import type { GatherCommand } from '../backend/step-commands.js';
import { checkIndexRange } from '../ops/gather.js';

/** Runs a `GatherCommand`: checks every index, then copies the picked slices. */
export function gatherInto(command: GatherCommand): void {
  const { table, indices, dst, outer, size, inner } = command;
  checkIndexRange(command.op, indices, size);
  const n = indices.length;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const from = (o * size + indices[i]) * inner, to = (o * n + i) * inner;
      for (let j = 0; j < inner; j++) dst[to + j] = table[from + j];
    }
  }
}
