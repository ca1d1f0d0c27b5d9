/**
 * The non-tensor parts of a checkpoint, stored as JSON strings in the safetensors
 * header's metadata. Numbers must come back bit for bit: finite numbers other than −0
 * are plain JSON numbers (which round-trip exactly); NaN, ±Infinity and −0 are written
 * as `{ "number": "NaN" }` and so on, so a string leaf `'NaN'` stays a string.
 */
import type { StateScalar } from './state-tree.js';

/** Any JSON value: the data stream's position and the run's config. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** The scalar leaves as a JSON object from dotted path to value. */
export function encodeScalars(entries: readonly (readonly [string, StateScalar])[]): string {
  const out: Record<string, unknown> = {};
  for (const [path, value] of entries) {
    const encoded = typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0)) ? { number: Object.is(value, -0) ? '-0' : String(value) } : value;
    Object.defineProperty(out, path, { value: encoded, enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(out);
}

/** The scalar leaves back from {@link encodeScalars}' JSON, or why they cannot be read. */
export function decodeScalars(text: string | undefined): [string, StateScalar][] | string {
  if (text === undefined) return 'is missing from the metadata';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return 'must be a JSON object';
  const out: [string, StateScalar][] = [];
  for (const [path, value] of Object.entries(json)) {
    if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out.push([path, value]);
    else if (typeof value === 'object' && typeof (value as { number?: unknown }).number === 'string' && Object.hasOwn(SPECIAL, (value as { number: string }).number)) {
      out.push([path, SPECIAL[(value as { number: string }).number]]);
    } else return `entry '${path}' is not a number, string, boolean or null`;
  }
  return out;
}

/** A metadata field parsed as JSON, or a fault naming it. */
export function parseJsonField(metadata: Record<string, string>, key: string): { value: JsonValue } | { reason: string; key: string } {
  const text = metadata[key];
  if (text === undefined) return { reason: 'is missing from the metadata', key };
  try {
    return { value: JSON.parse(text) as JsonValue };
  } catch {
    return { reason: 'is not valid JSON', key };
  }
}
