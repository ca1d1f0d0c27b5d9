import { loaded } from './addon.js';

/** Whether the native backend can run here, and why not when it cannot. */
export interface NativeStatus {
  /** True when the addon is built and loaded. */
  readonly available: boolean;
  /** How it was built, or why it is unavailable (a failed build's compiler output, a load error). */
  readonly reason: string;
  /** The kernel set in use (`'avx512'`, `'avx2'` or `'generic'`), when available. */
  readonly isa?: string;
  /** The kernel sets this CPU supports, widest first. */
  readonly supportedIsas?: readonly string[];
  /** Threads of the pool (`TAPESTRY_NUM_THREADS`, default the core count). */
  readonly threads?: number;
}

/**
 * Reports whether `@tapestry/native` loaded. Never throws: a missing compiler at install
 * time, a corrupt binary or an unsupported platform appear as `available: false` with
 * the reason.
 *
 * @example
 * ```ts
 * import { nativeStatus } from '@tapestry/native';
 *
 * const status = nativeStatus();
 * console.log(status.available ? `native (${status.isa}, ${status.threads} threads)` : `no native backend: ${status.reason}`);
 * ```
 */
export function nativeStatus(): NativeStatus {
  const { addon, reason } = loaded;
  if (addon === undefined) return { available: false, reason };
  return { available: true, reason, isa: addon.isa(), supportedIsas: addon.supportedIsas().split(','), threads: addon.threads() };
}
