#!/usr/bin/env node
// Prints every service rule's event pattern as the stacks render it (lib/event-patterns.ts):
// `npm run event-patterns` rewrites the committed event-patterns.json (a jest test checks they agree).
import { renderedServicePatterns } from '../lib/event-patterns';

process.stdout.write(JSON.stringify(renderedServicePatterns(), null, 2) + '\n');
