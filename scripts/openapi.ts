/**
 * `--write` regenerates openapi/openapi.json from the zod schemas; `--check` fails when the
 * committed document differs from what the app serves.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { openapiText } from '../src/openapi-document.js';

const file = new URL('../openapi/openapi.json', import.meta.url);
const text = await openapiText();
if (process.argv.includes('--write')) {
  writeFileSync(file, text);
  console.log('wrote openapi/openapi.json');
} else {
  let committed = '';
  try {
    committed = readFileSync(file, 'utf8');
  } catch {}
  if (committed !== text) {
    console.error('openapi/openapi.json differs from the generated document: run npm run openapi:write');
    process.exit(1);
  }
  console.log('openapi/openapi.json is up to date');
}
