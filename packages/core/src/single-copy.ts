import { TapestryError } from './errors.js';

/**
 * The version of this copy of `@tapestry/core`, as in its package.json (a test keeps the
 * two equal). Shown when two copies are loaded.
 */
export const coreVersion = '0.1.0';

/** What a loaded copy of core records in the process-wide registry. */
interface LoadedCore {
  readonly version: string;
  readonly url: string;
}

// Symbol.for keys are shared by every module instance in the realm, so each copy of core
// sees the others' entries — the module-level state below (tapes, op registry, the Tensor
// class) is exactly what is *not* shared between copies.
const registryKey = Symbol.for('@tapestry/core');

/**
 * Registers this copy of core, or throws when another copy (another file) is already
 * loaded. Two copies — e.g. one nested under `@tapestry/layers` after a version drift —
 * do not see each other's tensors or tapes: layers built on one and gradients taken with
 * the other come back silently zero. Failing at import names both copies instead.
 */
export function registerCoreCopy(url: string, version = coreVersion): void {
  const realm = globalThis as Record<symbol, LoadedCore | undefined>;
  const loaded = realm[registryKey];
  if (loaded === undefined) {
    realm[registryKey] = { version, url };
    return;
  }
  if (loaded.url === url) return;
  throw new TapestryError(
    `@tapestry/core is loaded twice: version ${loaded.version} from ${loaded.url} and version ${version} from ${url}. ` +
      'Tensors and tapes of one copy are invisible to the other (gradients would silently be zero). ' +
      'Install a single copy: @tapestry/layers, optim and data take core as a peer dependency, so dedupe ' +
      '(npm dedupe / pnpm dedupe) or align the versions of the @tapestry packages.',
  );
}

