export { toStateDict, fromStateDict, StateDictError, type StateDictMismatch, type StateDictConflict } from './state-dict.js';
