/** Three suites that differ in what they may touch: unit (nothing), workflows (a real Temporal test server,
 *  mocked activities) and integration (the real stack started by scripts/test.sh). */
const transform = { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// Node's environment, with the process's own typed arrays: onnxruntime-node's native code makes tensors with them.
const common = { testEnvironment: '<rootDir>/test/support/native-tensor-environment.js', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
const temporal = { setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/stuck-bound.ts'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, ...temporal, displayName: 'workflows', testMatch: ['<rootDir>/test/workflows/**/*.test.ts', '<rootDir>/test/replay/**/*.test.ts'] },
    { ...common, ...temporal, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
