import type { Backend } from '../backend.js';
import { allocate } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { binary, unary, where } from './elementwise.js';
import { gather, putAlongAxis, scatterAdd, takeAlongAxis } from './indexing.js';
import { broadcastTo, concat, pad, permute, slice } from './layout.js';
import { matmul, matmulInto } from './matmul.js';
import { elementwise } from './program.js';
import { argReduce, reduce } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';

/** The pure-TypeScript backend: plain loops over typed arrays, no dependencies. */
export const jsBackend: Backend = {
  name: 'js',
  unary,
  binary,
  where,
  reduce,
  argReduce,
  matmul,
  matmulInto,
  elementwise,
  permute,
  broadcastTo,
  slice,
  pad,
  concat,
  gather,
  scatterAdd,
  takeAlongAxis,
  putAlongAxis,
  softmax,
  logSoftmax,
  cast(x, dtype) {
    const out = allocate(dtype, x.size);
    if (dtype === 'int32') for (let i = 0; i < x.size; i++) out[i] = Math.trunc(x.data[i]);
    else out.set(x.data);
    return new Tensor(x.shape, out);
  },
};
