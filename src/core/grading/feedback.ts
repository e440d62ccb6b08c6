/** Feedback sentences in the request's language (pt-BR or en): kind, specific, never the stack. */
import type { Locale } from '../locale.js';
import type { DiagnosisCode } from './mistakes.js';


export interface FeedbackFacts {
  key: string;
  correct: boolean;
  diagnosis: DiagnosisCode | null;
  /** The node where the mistake was made. */
  node?: { id: string; op: string };
  followedFrom?: string[];
  raw?: unknown;
  shapeExpected?: string;
}

/** LMS graders send "" for a question the student left empty. */
const blank = (f: FeedbackFacts): boolean => typeof f.raw === 'string' && f.raw.trim() === '';
const list = (keys: string[], and: string) => (keys.length === 1 ? keys[0] : `${keys.slice(0, -1).join(', ')} ${and} ${keys[keys.length - 1]}`);
const at = (f: FeedbackFacts, en: boolean) => (f.node ? (en ? ` (at ${f.node.id} = ${f.node.op}(...))` : ` (em ${f.node.id} = ${f.node.op}(...))`) : '');

const en: Record<DiagnosisCode, (f: FeedbackFacts) => string> = {
  sign_error: (f) => `${f.key}: the size is right but the sign is flipped${at(f, true)}. Check the sign of each local derivative along the chain, e.g. d(y_hat - y)/dy = -1.`,
  missing_activation_derivative: (f) => `${f.key}: the derivative of the activation is missing${at(f, true)}. Multiply by f'(z) when going back through it: dL/dz = dL/da · f'(z).`,
  activation_instead_of_derivative: (f) => `${f.key}: you used the activation's value f(z) where its derivative f'(z) belongs${at(f, true)}. For sigmoid, f'(z) = f(z)·(1 - f(z)).`,
  missing_input_factor: (f) => `${f.key}: a factor of the product is missing${at(f, true)}. For u = w·x, du/dw = x, so dL/dw = dL/du · x.`,
  loss_factor: (f) => `${f.key}: off by a factor of 2${at(f, true)}. The derivative of (p - y)² is 2(p - y); with the ½ of the tutorial's loss it becomes (p - y).`,
  update_wrong_direction: (f) => `${f.key}: the update went along the gradient. Gradient descent moves against it: w ← w - lr · dL/dw.`,
  rounding: (f) => `${f.key}: close, but rounded too coarsely. Keep more digits, especially in intermediate results, and round only at the end.`,
  unparseable: (f) =>
    blank(f) ? `${f.key}: no answer was given.` : `${f.key}: '${String(f.raw)}' is not a number we can read. Write a decimal such as 0.25 or 0,25, or a fraction such as 1/4.`,
};

const pt: Record<DiagnosisCode, (f: FeedbackFacts) => string> = {
  sign_error: (f) => `${f.key}: o valor absoluto está certo, mas o sinal está trocado${at(f, false)}. Confira o sinal de cada derivada local ao longo da cadeia, por exemplo d(y_hat - y)/dy = -1.`,
  missing_activation_derivative: (f) => `${f.key}: falta a derivada da função de ativação${at(f, false)}. Ao voltar por ela, multiplique por f'(z): dL/dz = dL/da · f'(z).`,
  activation_instead_of_derivative: (f) => `${f.key}: você usou o valor da ativação f(z) no lugar da sua derivada f'(z)${at(f, false)}. Para a sigmoide, f'(z) = f(z)·(1 - f(z)).`,
  missing_input_factor: (f) => `${f.key}: falta um fator do produto${at(f, false)}. Para u = w·x, du/dw = x, então dL/dw = dL/du · x.`,
  loss_factor: (f) => `${f.key}: o resultado difere por um fator 2${at(f, false)}. A derivada de (p - y)² é 2(p - y); com o ½ da perda do tutorial ela fica (p - y).`,
  update_wrong_direction: (f) => `${f.key}: a atualização foi no sentido do gradiente. A descida do gradiente vai no sentido contrário: w ← w - lr · dL/dw.`,
  rounding: (f) => `${f.key}: quase, mas o arredondamento foi grosseiro demais. Mantenha mais casas decimais, principalmente nos resultados intermediários, e arredonde só no final.`,
  unparseable: (f) =>
    blank(f) ? `${f.key}: nenhuma resposta foi dada.` : `${f.key}: não conseguimos ler '${String(f.raw)}' como número. Escreva um decimal como 0,25 ou 0.25, ou uma fração como 1/4.`,
};

export function feedback(locale: Locale, f: FeedbackFacts): string {
  const isEn = locale === 'en';
  if (f.diagnosis) return (isEn ? en : pt)[f.diagnosis](f);
  if (f.correct && f.followedFrom?.length) {
    const used = list(f.followedFrom, isEn ? 'and' : 'e');
    return isEn
      ? `${f.key}: correct given your earlier answer for ${used} (error carried forward): this step itself is right.`
      : `${f.key}: correto a partir da sua resposta anterior para ${used} (erro propagado): este passo em si está certo.`;
  }
  if (f.correct) return isEn ? `${f.key}: correct.` : `${f.key}: correto.`;
  if (f.shapeExpected) {
    return isEn ? `${f.key}: expected ${f.shapeExpected}.` : `${f.key}: esperava-se ${f.shapeExpected}.`;
  }
  return isEn
    ? `${f.key}: not correct. Recompute this step from the values before it.`
    : `${f.key}: incorreto. Refaça este passo a partir dos valores anteriores.`;
}

/** One sentence for the whole submission. */
export function summary(locale: Locale, correct: number, total: number): string {
  return locale === 'en' ? `${correct} of ${total} answers correct.` : `${correct} de ${total} respostas corretas.`;
}
