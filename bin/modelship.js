#!/usr/bin/env node
// The `modelship` command: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
require('tsx/cjs');
require('../src/cli/main.ts').main();
