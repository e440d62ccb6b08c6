import { buildApp } from './app.js';

/** The OpenAPI document exactly as GET /openapi.json serves it, as committed text. */
export async function openapiText(): Promise<string> {
  const app = await buildApp({ pool: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}: ${res.body}`);
    return `${JSON.stringify(res.json(), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
