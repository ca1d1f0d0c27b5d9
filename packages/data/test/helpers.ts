import type { either } from 'fp-ts';

type Either<E, A> = either.Either<E, A>;
import { expect } from 'vitest';
import { DataError } from '../src/index.js';
import type { DataErrorKind } from '../src/index.js';

/** Property-test runs: small by default so the suite stays fast; the nightly run raises it. */
export const numRuns = Number(process.env.TAPESTRY_NUM_RUNS ?? 50);

/** The Right value, failing the test with the DataError's message otherwise. */
export function expectRight<T>(result: Either<DataError, T>): T {
  if (result._tag === 'Left') throw new Error(`expected Right, got Left: ${result.left.message}`);
  return result.right;
}

/** The Left DataError, checked for its kind. */
export function expectLeft<T>(result: Either<DataError, T>, kind: DataErrorKind): DataError {
  if (result._tag === 'Right') throw new Error('expected Left, got Right');
  expect(result.left).toBeInstanceOf(DataError);
  expect(result.left.kind).toBe(kind);
  return result.left;
}

/** The DataError thrown by `fn`, checked for its kind and for naming `mentions`. */
export function expectThrows(fn: () => unknown, kind: DataErrorKind, mentions: string): DataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const err = e as DataError;
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(mentions);
    return err;
  }
  throw new Error('expected a DataError to be thrown');
}
