import { anomalyDetectionEnabled } from '../autograd/anomaly.js';
import { recordingTapeCount } from '../autograd/tape.js';
import { isTracing } from './trace.js';

/**
 * Why compiled code should not run now, or `undefined` when it may: a transform nested
 * in another records (higher derivatives need every op on the outer tape), or anomaly
 * detection is on (it checks every op's values by name), or an outer trace records
 * (a `jit`ted function: its plan takes in the loop's ops, one step after another).
 */
export function compileBlocker(): string | undefined {
  if (anomalyDetectionEnabled()) return 'anomaly detection is on (it checks each op by name)';
  if (recordingTapeCount() > 1) return 'nested transforms record (higher-order derivatives need every op on the outer tape)';
  if (isTracing()) return 'an outer trace records (jit): the steps become part of its plan, op by op';
  return undefined;
}
