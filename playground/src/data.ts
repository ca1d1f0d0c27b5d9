/** The parts of `@tapestry/data` the playground uses (its root entry is browser-safe). */
export { sineWindows, addingProblem, Vocab, lmStream, type LmStream } from '@tapestry/data';
