/**
 * Peak resident set size of this process so far, in MiB. Linux reports
 * `maxRSS` in KiB. Each run has its own child process, so this is the run's
 * peak (plus the fixed cost of Node and the TypeScript loader).
 */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
