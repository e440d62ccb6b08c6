/**
 * The template exercises (GET /v1/exercises/templates), and one of them drawn with a seed
 * (POST /v1/exercises): its statement, and its problem, whose spec the page computes and whose
 * other fields (learning rate, epsilon, tolerance) POST /v1/grade is sent with.
 */
import type { Locale, Localized } from '../../src/text.js';
import { type Answer, get, post } from './api.js';

export interface Template {
  id: string;
  title: Localized;
}

/** The templates, or none when the service does not list them (the page works without them). */
export async function templates(locale: Locale): Promise<Template[]> {
  const listed = await get<{ templates: Template[] }>('/v1/exercises/templates', locale);
  return listed.ok ? listed.value.templates : [];
}

export interface Drawn {
  statement: string;
  /** The problem spec and the grading fields: `{ "neuron": …, "learningRate": 0.5 }`. */
  problem: Record<string, unknown>;
}

export const drawExercise = (template: string, seed: number, locale: Locale): Promise<Answer<Drawn>> =>
  post<Drawn>('/v1/exercises', { template, seed, locale }, locale, 'json');
