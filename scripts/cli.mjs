#!/usr/bin/env node
/** `npm run cli -- <command>`: the admin CLI over the same admin service as the app. */
import { pathToFileURL } from 'node:url';
import { ensureBundle } from './bundle.mjs';

const bundle = await ensureBundle('src/main/cli/cli.ts', 'out/cli/cli.mjs');
await import(pathToFileURL(bundle).href);
