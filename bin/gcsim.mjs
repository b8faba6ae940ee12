#!/usr/bin/env node
// `npx gcsim ...`: run the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
