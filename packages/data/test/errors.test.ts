import { ValueError } from '@tapestry/core';
import { either } from 'fp-ts';
import { describe, expect, it } from 'vitest';
import { DataError, getOrThrow } from '../src/index.js';

describe('DataError', () => {
  it('puts file, line and column in front of the message and keeps them as fields', () => {
    const e = new DataError('parse', 'empty line', { file: 'names/French.txt', line: 12, column: 3 });
    expect(e.message).toBe('names/French.txt:12:3: empty line');
    expect(e.detail).toBe('empty line');
    expect([e.kind, e.file, e.line, e.column]).toEqual(['parse', 'names/French.txt', 12, 3]);
  });

  it('has a plain message when there is no location', () => {
    expect(new DataError('empty', 'nothing here').message).toBe('nothing here');
  });

  it('is a core ValueError, so existing handlers catch it', () => {
    const e = new DataError('invalid-argument', 'x');
    expect(e).toBeInstanceOf(ValueError);
    expect(e.name).toBe('DataError');
  });

  it('getOrThrow unwraps a Right and throws the Left', () => {
    expect(getOrThrow(either.right(3))).toBe(3);
    const e = new DataError('io', 'gone', { file: 'f' });
    expect(() => getOrThrow(either.left(e))).toThrow(e);
  });
});
