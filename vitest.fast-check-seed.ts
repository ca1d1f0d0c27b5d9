// Every property in the suite draws from one seed. The default suite (what CI runs) uses a
// fixed seed, so the same commit passes or fails the same way on every machine; the nightly
// run (TAPESTRY_NUM_RUNS set) draws a fresh seed to explore new cases. TAPESTRY_SEED replays
// one — a failing property prints the seed (and path) it failed with.
import fc from 'fast-check';

const DEFAULT_SEED = 20_261_204;
const given = process.env.TAPESTRY_SEED;
const nightly = process.env.TAPESTRY_NUM_RUNS !== undefined;
const seed = given !== undefined ? Number(given) : nightly ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : DEFAULT_SEED;
if (!Number.isInteger(seed)) throw new Error(`TAPESTRY_SEED should be an integer, got ${JSON.stringify(given)}`);
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
