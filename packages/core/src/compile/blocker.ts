import { anomalyDetectionEnabled } from '../autograd/anomaly.js';
import { recordingTapeCount } from '../autograd/tape.js';

/**
 * Why compiled code should not run now, or `undefined` when it may: a transform nested
 * in another records (higher derivatives need every op on the outer tape), or anomaly
 * detection is on (it checks every op's values by name).
 */
export function compileBlocker(): string | undefined {
  if (anomalyDetectionEnabled()) return 'anomaly detection is on (it checks each op by name)';
  if (recordingTapeCount() > 1) return 'nested transforms record (higher-order derivatives need every op on the outer tape)';
  return undefined;
}
