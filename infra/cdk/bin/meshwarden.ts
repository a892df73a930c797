#!/usr/bin/env node
import { buildApp } from '../lib/app';
import { SettingsError } from '../lib/settings';

try {
  buildApp();
} catch (e) {
  // A settings problem is the user's to fix: the message names each key, a stack trace adds nothing.
  if (!(e instanceof SettingsError)) throw e;
  console.error(e.message);
  process.exit(1);
}
