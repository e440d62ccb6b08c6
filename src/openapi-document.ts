import { buildApp } from './app.js';

/** The OpenAPI document exactly as GET /openapi.json serves it, as committed text. */
export async function openapiText(): Promise<string> {
  const app = await buildApp();
  await app.ready();
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  return text;
}
