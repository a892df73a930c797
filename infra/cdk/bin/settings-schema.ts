#!/usr/bin/env node
// Prints the JSON schema of meshwarden.settings.json, generated from lib/settings.ts:
// `npm run settings-schema` rewrites the committed copy (a jest test checks they agree).
import { settingsSchema } from '../lib/settings';

process.stdout.write(JSON.stringify(settingsSchema(), null, 2) + '\n');
