/**
 * Jest's node environment gives each test file its own typed-array constructors, but onnxruntime-node's native code
 * makes its output tensors with the process's own: its type checks then refuse them ("A float32 tensor's data must
 * be type of Float32Array"). Every project runs in this environment, which shares the process's typed arrays.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED = ['ArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];

class NativeTensorEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NativeTensorEnvironment;
