/**
 * What the question-bank tests (test/routes/exercise-export*.test.ts) read back the same way: an
 * HTML fragment's text, each expected number labelled as the exports label it, the numbers POST
 * /v1/gradients gives for a template's neuron, and the authored exercise whose title and statement
 * hold the characters every format must escape.
 */
import { exercise, gradients } from '../../src/index.js';
import { tutorialActivity } from '../../src/schemas/examples.js';

/** An HTML fragment's text: tags dropped, the character references the exports write read back. */
export const htmlText = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(lt|gt|quot|#39|apos|#123|#125|amp);/g,
      (_, e: string) =>
        ({ lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", '#123': '{', '#125': '}', amp: '&' })[e]!,
    );

/** An expected answer's elements, labelled as the exports label them: `dL/dw`, or `dL/dW[0, 1]`. */
export function elements(key: string, value: unknown, index: number[] = []): { label: string; value: number }[] {
  if (typeof value === 'number') return [{ label: index.length ? `${key}[${index.join(', ')}]` : key, value }];
  return (value as unknown[]).flatMap((v, i) => elements(key, v, [...index, i]));
}

/** Every number a variant asks for, in the order of its keys and then of the elements. */
export const expectedElements = (variant: { answerKeys: readonly string[]; answers: Record<string, unknown> }) =>
  variant.answerKeys.flatMap((key) => elements(key, variant.answers[key]));

/** dL/dw and dL/db as POST /v1/gradients computes them for a neuron template's variant. */
export function neuronGradients(template: string, seed: number): { w: number; b: number } {
  const { neuron } = exercise({ template, seed }).problem as { neuron: object };
  return gradients({ neuron } as never).gradients as { w: number; b: number };
}

export const ESCAPED_TITLE = `Neuron <tanh> & "quotes" 'too'`;
export const ESCAPED_STATEMENT = `If a < b & c > "d" then 'e'.`;
/** The tutorial's activity with a title and a statement that hold `<`, `&` and both quotes. */
export const escapingExercise = {
  ...tutorialActivity,
  title: { en: ESCAPED_TITLE },
  statement: { en: ESCAPED_STATEMENT },
};
