import { describe, expect, it } from 'vitest';
import { localeFrom } from '../src/text.js';

describe('localeFrom (Accept-Language)', () => {
  it('takes the supported language of the highest weight', () => {
    expect(localeFrom('pt-BR,pt;q=0.9,en;q=0.8')).toBe('pt-BR');
    expect(localeFrom('en-US,en;q=0.9,pt;q=0.8')).toBe('en');
    expect(localeFrom('fr;q=1, pt;q=0.5')).toBe('pt-BR');
    expect(localeFrom('pt;q=0, en;q=0.1')).toBe('en');
  });
  it('falls back to English', () => {
    expect(localeFrom(undefined)).toBe('en');
    expect(localeFrom('de-DE')).toBe('en');
    expect(localeFrom('')).toBe('en');
  });
});
