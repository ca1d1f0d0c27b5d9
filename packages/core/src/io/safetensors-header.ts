/**
 * Reading and checking a safetensors header: an 8-byte little-endian length, then that
 * many bytes of UTF-8 JSON mapping each tensor name to `{ dtype, shape, data_offsets }`
 * (offsets relative to the byte after the header), plus an optional `__metadata__`
 * object of strings. Every check runs before any tensor storage is allocated, and
 * every allocation is bounded by the file's own length, so a lying header costs at most
 * one pass over the bytes that are really there.
 */
import { dtypeInfo, type SafetensorsDType } from './safetensors-dtypes.js';

/** One tensor's entry in the header, checked. */
export interface HeaderEntry {
  /** The tensor's name. */
  readonly name: string;
  /** Its element type in the file. */
  readonly dtype: SafetensorsDType;
  /** Its dimensions. */
  readonly shape: number[];
  /** Start of its bytes in the data section (inclusive). */
  readonly begin: number;
  /** End of its bytes in the data section (exclusive). */
  readonly end: number;
}

/** A checked header. */
export interface Header {
  /** Every tensor's entry, in header order. */
  readonly entries: HeaderEntry[];
  /** The `__metadata__` strings (empty if none). */
  readonly metadata: Record<string, string>;
  /** Where the data section starts in the file. */
  readonly dataStart: number;
}

/** A header fault: what is wrong and, if one entry is at fault, its name. */
export interface HeaderFault {
  /** What is wrong. */
  readonly reason: string;
  /** The entry at fault, if one is. */
  readonly key?: string;
}

/** The format's own cap on the header (100 MB), so a bogus length cannot make us decode gigabytes. */
const MAX_HEADER_BYTES = 100_000_000;

/** Parses and checks the header of `bytes`, or says what is wrong. */
export function readHeader(bytes: Uint8Array): Header | HeaderFault {
  if (bytes.length < 8) return { reason: `is ${bytes.length} bytes long; a safetensors file starts with an 8-byte header length` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const headerLength = high * 2 ** 32 + low;
  if (headerLength > bytes.length - 8) return { reason: `header length ${headerLength} runs past the end of the file (${bytes.length} bytes; truncated?)` };
  if (headerLength > MAX_HEADER_BYTES) return { reason: `header length ${headerLength} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    return { reason: 'header is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { reason: `header is not valid JSON (${(e as Error).message})` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return { reason: 'header is not a JSON object' };
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) return { reason: 'is given twice in the header', key: duplicate };
  return checkEntries(json as Record<string, unknown>, bytes.length - 8 - headerLength, 8 + headerLength);
}

function checkEntries(json: Record<string, unknown>, dataLength: number, dataStart: number): Header | HeaderFault {
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (name === '__metadata__') {
      const m = checkMetadata(value);
      if (typeof m === 'string') return { reason: m, key: name };
      metadata = m;
      continue;
    }
    const entry = checkEntry(name, value, dataLength);
    if (typeof entry === 'string') return { reason: entry, key: name };
    entries.push(entry);
  }
  const layout = checkLayout(entries, dataLength);
  return layout ?? { entries, metadata, dataStart };
}

function checkMetadata(value: unknown): Record<string, string> | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object of strings';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') return `value of '${k}' must be a string, got ${JSON.stringify(v)}`;
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkEntry(name: string, value: unknown, dataLength: number): HeaderEntry | string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'header entry must be an object with dtype, shape and data_offsets';
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const info = dtypeInfo(dtype);
  if (typeof info === 'string') return info;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return `shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
    return `data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`;
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) return `data_offsets [${begin}, ${end}] run backwards`;
  if (end > dataLength) return `data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes; truncated?)`;
  // The product can exceed 2^53 for a lying shape; it then cannot equal the (bounded) span anyway.
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  if (elements * info.bytes !== end - begin) {
    return `holds ${end - begin} bytes, but ${dtype as string} ${JSON.stringify(shape)} needs ${elements * info.bytes}`;
  }
  return { name, dtype: dtype as SafetensorsDType, shape: shape as number[], begin, end };
}

/** The tensors must tile the data section exactly: no overlap, no gap, nothing after the last one. */
function checkLayout(entries: HeaderEntry[], dataLength: number): HeaderFault | undefined {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin < at) return { reason: `data_offsets [${e.begin}, ${e.end}] overlap another tensor's bytes (which end at ${at})`, key: e.name };
    if (e.begin > at) return { reason: `data_offsets [${e.begin}, ${e.end}] leave a gap of ${e.begin - at} bytes before them`, key: e.name };
    at = e.end;
  }
  if (at !== dataLength) return { reason: `the tensors cover ${at} bytes of data but the file holds ${dataLength} (trailing bytes?)` };
  return undefined;
}

/**
 * The first key that appears twice in one object of a JSON text (`JSON.parse` silently
 * keeps the last one). A single linear scan: strings and nesting are tracked, and a
 * string followed by `:` is a key of the innermost open object.
 */
export function findDuplicateKey(text: string): string | undefined {
  const open: (Set<string> | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') open.push(new Set());
    else if (ch === '[') open.push(undefined);
    else if (ch === '}' || ch === ']') open.pop();
    else if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      let j = i + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
      const keys = open[open.length - 1];
      if (text[j] === ':' && keys !== undefined) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
    }
  }
  return undefined;
}
