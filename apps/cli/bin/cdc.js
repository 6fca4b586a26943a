#!/usr/bin/env node
// The `cdc` command: run the compiled CLI (`npm run build` first, as the README says).
import '../dist/src/main.js';
