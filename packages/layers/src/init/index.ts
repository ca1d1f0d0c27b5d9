/**
 * Parameter initializers. Each takes an explicit `Rng` (no global state) and a dtype.
 *
 * @module
 */
export { fans, type Fans, type Initializer, type InitOptions } from './initializer.js';
export { uniformInit, fanInUniform, pytorchRecurrentInit, kaimingUniform, type KaimingOptions } from './uniform.js';
export { normalInit, type NormalInitOptions } from './normal.js';
export { xavierUniform, xavierNormal, type XavierOptions } from './xavier.js';
export { orthogonal, type OrthogonalOptions } from './orthogonal.js';
export { gateBias, lstmGateNames, gruGateNames, type GateBiasOptions } from './gate-bias.js';
