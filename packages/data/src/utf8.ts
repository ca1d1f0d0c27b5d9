import { either as E } from 'fp-ts';
import { DataError } from './errors.js';

// One fatal decoder for the whole process: it keeps no state between complete decode calls.
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes UTF-8 bytes strictly. Bytes that are not UTF-8 give a `DataError` of kind
 * `encoding` naming the file, the line and the byte column of the first bad byte,
 * instead of silently turning into U+FFFD. A leading byte-order mark is dropped.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from '@tapestry/data';
 * decodeUtf8(new Uint8Array([0x68, 0xc3, 0xa9]), 'a.txt'); // Right('hé')
 * decodeUtf8(new Uint8Array([0x68, 0xff]), 'a.txt');       // Left(DataError 'a.txt:1:2: ...')
 * ```
 */
export function decodeUtf8(bytes: Uint8Array, file?: string): E.Either<DataError, string> {
  try {
    return E.right(decoder.decode(bytes));
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const { line, column } = locate(bytes, Math.max(offset, 0));
    const shown = offset < 0 ? '' : ` (byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset})`;
    return E.left(new DataError('encoding', `not valid UTF-8${shown}`, { file, line, column }));
  }
}

/**
 * The offset of the first byte that starts an invalid UTF-8 sequence, or -1 if all are
 * valid. Follows the WHATWG decoder: overlong forms, surrogates and code points above
 * U+10FFFF are invalid, as is a sequence cut off by the end of the input.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : 0;
    if (need === 0) return i;
    // The second byte's range is narrower after E0, ED, F0 and F4 (no overlongs, surrogates, > U+10FFFF).
    let lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    let hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

function locate(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    // \n, \r\n and a lone \r each end a line, as splitLines counts them.
    if (bytes[i] === 0x0a || (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
