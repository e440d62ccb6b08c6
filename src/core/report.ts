/** Shapes evaluation results into the id-keyed maps and reports of the wire contract. */
import type { Values } from '../engine/evaluate.js';
import type { GradcheckReport } from './gradcheck.js';
import type { CompiledGraph } from '../engine/compile.js';
import { isScalarGraph, localDerivatives } from '../engine/local.js';
import type { Locale, Localized } from './locale.js';
import type { TrainResult } from './train.js';
import { type Tensor, type WireNumber, type WireValue, isFiniteTensor, scalar, toJson } from '../engine/tensor.js';

export type IdMap = Record<string, WireValue>;

export interface Warning {
  code: 'non_finite_values' | 'non_finite_gradients' | 'kink';
  ids: string[];
  message: string;
}

/**
 * An id -> value map in report order. It has no prototype, so an id such as `__proto__` is an
 * own key like any other and `JSON.stringify` writes it.
 */
export function idMap(g: CompiledGraph, perSlot: readonly (Tensor | undefined)[], slots: readonly number[] = g.reportOrder): IdMap {
  const out: IdMap = Object.create(null);
  for (const s of slots) out[g.ids[s]!] = toJson(perSlot[s]!);
  return out;
}

export const wireNumber = (x: number): WireNumber => toJson(scalar(x)) as WireNumber;

function nonFiniteWarning(g: CompiledGraph, perSlot: Values, code: Warning['code'], what: string): Warning[] {
  const ids = g.reportOrder.filter((s) => !isFiniteTensor(perSlot[s])).map((s) => g.ids[s]!);
  if (!ids.length) return [];
  return [{ code, ids, message: `${what} of ${ids.map((id) => `'${id}'`).join(', ')} ${ids.length === 1 ? 'is' : 'are'} not finite (NaN or infinite), written as strings` }];
}

export interface LayerReport {
  z: WireValue;
  a: WireValue;
  'dL/da'?: WireValue;
  'dL/dz'?: WireValue;
  'dL/dW'?: WireValue;
  'dL/db'?: WireValue;
}

function layerReports(g: CompiledGraph, values: Values, grads?: Values): LayerReport[] | undefined {
  return g.layers?.map((ids) => {
    const at = (id: string) => g.slotOf.get(id)!;
    const layer: LayerReport = { z: toJson(values[at(ids.z)]), a: toJson(values[at(ids.a)]) };
    if (grads) {
      layer['dL/da'] = toJson(grads[at(ids.a)]);
      layer['dL/dz'] = toJson(grads[at(ids.z)]);
      layer['dL/dW'] = toJson(grads[at(ids.W)]);
      layer['dL/db'] = toJson(grads[at(ids.b)]);
    }
    return layer;
  });
}

export function forwardReport(g: CompiledGraph, values: Values) {
  return {
    output: g.ids[g.output]!,
    values: idMap(g, values),
    layers: layerReports(g, values),
    warnings: nonFiniteWarning(g, values, 'non_finite_values', 'the value'),
  };
}

export function gradientsReport(g: CompiledGraph, values: Values, grads: Values) {
  return {
    output: g.ids[g.output]!,
    values: idMap(g, values),
    gradients: idMap(g, grads),
    local: isScalarGraph(g) ? localDerivatives(g, values).map((d) => ({ ...d, value: wireNumber(d.value) })) : undefined,
    layers: layerReports(g, values, grads),
    warnings: [
      ...nonFiniteWarning(g, values, 'non_finite_values', 'the value'),
      ...nonFiniteWarning(g, grads, 'non_finite_gradients', 'the gradient'),
    ],
  };
}

export function stepReport(g: CompiledGraph, result: TrainResult) {
  const params = idMap(g, result.leaves, g.params);
  const losses = [...result.history, result.lossAfter];
  const badParams = g.params.filter((s) => !isFiniteTensor(result.leaves[s]!)).map((s) => g.ids[s]!);
  const warnings: Warning[] = [];
  if (badParams.length || !losses.every(Number.isFinite)) {
    warnings.push({
      code: 'non_finite_values',
      ids: badParams.length ? badParams : [g.ids[g.output]!],
      message: 'the update diverged: a param or the loss is not finite (try a smaller learningRate)',
    });
  }
  return {
    params,
    loss: { before: wireNumber(result.history[0]), after: wireNumber(result.lossAfter) },
    history: result.history.map(wireNumber),
    warnings,
  };
}

const KINK_NOTE: Localized = {
  en: "the perturbation moves the input of a kink (relu, abs or leaky_relu) across 0, where the function has no derivative: the difference quotient mixes both slopes, so a mismatch here is expected; the analytic value follows PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
  'pt-BR': "a perturbação faz a entrada de um ponto de quebra (relu, abs ou leaky_relu) cruzar o 0, onde a função não tem derivada: o quociente de diferenças mistura as duas inclinações, então uma divergência aqui é esperada; o valor analítico segue o PyTorch (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = alpha)",
};

const KINK_WORDS = {
  en: { straddles: 'the check straddles the kink of', passes: 'passes, but', fails: 'fails because' },
  'pt-BR': { straddles: 'a verificação atravessa o ponto de quebra de', passes: 'passa, mas', fails: 'falha porque' },
} satisfies Record<Locale, Record<string, string>>;

export function gradcheckReport(settings: { epsilon: number; rtol: number; atol: number }, report: GradcheckReport, locale: Locale = 'en') {
  const words = KINK_WORDS[locale];
  const kinked = [...new Set(report.results.flatMap((r) => r.kinks))];
  const warnings: Warning[] = kinked.length
    ? [{ code: 'kink', ids: kinked, message: `${words.straddles} ${kinked.map((id) => `'${id}'`).join(', ')}: ${KINK_NOTE[locale]}` }]
    : [];
  return {
    pass: report.pass,
    maxAbsError: wireNumber(report.maxAbsError),
    maxRelError: wireNumber(report.maxRelError),
    ...settings,
    results: report.results.map((r) => ({
      ...r,
      analytic: wireNumber(r.analytic),
      numeric: wireNumber(r.numeric),
      lossPlus: wireNumber(r.lossPlus),
      lossMinus: wireNumber(r.lossMinus),
      absError: wireNumber(r.absError),
      relError: wireNumber(r.relError),
      note: r.kinks.length ? `${r.pass ? words.passes : words.fails} ${KINK_NOTE[locale]}` : undefined,
    })),
    warnings,
  };
}
