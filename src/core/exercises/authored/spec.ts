/**
 * An authored exercise's spec with every leaf a checked source, and the draw of one variant: the
 * sources in the order the exercise writes them (neuron x, w, b, y; network x, then each layer's
 * W, b, gamma, beta, mask, then y; graph inputs, then params; then the learning rate), tensors row-major.
 */
import type { z } from 'zod';
import { specError } from '../../../engine/errors.js';
import type { GraphSpec, LayerSpec, NetworkSpec, NeuronSpec, ValueSpec } from '../../../specs/spec.js';
import { say } from '../../../text.js';
import type { AuthoredExerciseInput, ValueSourceInput } from '../../../schemas/authored.js';
import { GraphSpecSchema, NetworkSpecSchema, NeuronSpecSchema } from '../../../schemas/spec.js';
import { FD_EPSILON } from '../../defaults.js';
import type { Rng } from '../random.js';
import type { ExerciseSpec } from '../solve.js';
import { type Draw, sourceDraw } from './sources.js';

/** What the exercise gives when it does not say: the learning rate of the tutorial. */
export const DEFAULT_LEARNING_RATE = 0.1;

const LAYER_SOURCES = ['W', 'b', 'gamma', 'beta', 'mask'] as const;

export type SpecKind = 'neuron' | 'network' | 'graph';

export function specKindOf(exercise: AuthoredExerciseInput): SpecKind {
  const given = (['neuron', 'network', 'graph'] as const).filter((k) => exercise[k] !== undefined);
  if (given.length !== 1) {
    throw specError(
      'INVALID_SPEC',
      given.length ? `exercise.${given[1]}` : 'exercise',
      say('give exactly one of neuron, network or graph', 'dê exatamente um de neuron, network ou graph'),
    );
  }
  return given[0];
}

/** The exercise's draw: a function of the generator, every source checked once up front. */
export function variantDraw(exercise: AuthoredExerciseInput, kind: SpecKind): (rng: Rng) => ExerciseSpec {
  const at = (source: ValueSourceInput, path: string): Draw => sourceDraw(source, `exercise.${path}`);
  const drawSpec = specDraw(exercise, kind, at);
  const learningRate = at(exercise.learningRate ?? DEFAULT_LEARNING_RATE, 'learningRate');
  const fd = exercise.ask.some((key) => key.replace(/\s+/g, '').startsWith('fd('));
  return (rng) => {
    const spec = drawSpec(rng);
    const lr = learningRate(rng);
    if (typeof lr !== 'number' || !(lr > 0)) {
      throw specError(
        'INVALID_SPEC',
        'exercise.learningRate',
        say('the learning rate is a number above 0', 'a taxa de aprendizado é um número maior que 0'),
      );
    }
    return {
      ...spec,
      learningRate: lr,
      ...(fd || exercise.epsilon !== undefined ? { epsilon: exercise.epsilon ?? FD_EPSILON } : {}),
      ...(exercise.optimizer ? { optimizer: exercise.optimizer } : {}),
      ...(exercise.tolerance ? { tolerance: exercise.tolerance } : {}),
    } as ExerciseSpec;
  };
}

type SpecOnly = { neuron: NeuronSpec } | { network: NetworkSpec } | { graph: GraphSpec };

function specDraw(
  exercise: AuthoredExerciseInput,
  kind: SpecKind,
  at: (source: ValueSourceInput, path: string) => Draw,
): (rng: Rng) => SpecOnly {
  if (kind === 'neuron') {
    const { x, w, b, y, ...rest } = exercise.neuron!;
    const [dx, dw, db, dy] = [at(x, 'neuron.x'), at(w, 'neuron.w'), at(b, 'neuron.b'), at(y, 'neuron.y')];
    return (rng) => ({
      neuron: { x: dx(rng), w: dw(rng), b: db(rng) as number, y: dy(rng) as number, ...rest } as NeuronSpec,
    });
  }
  if (kind === 'network') {
    const { x, y, layers, ...rest } = exercise.network!;
    const [dx, dy] = [at(x, 'network.x'), at(y, 'network.y')];
    const layerDraws = layers.map((layer, i) =>
      LAYER_SOURCES.filter((name) => layer[name] !== undefined).map(
        (name) => [name, at(layer[name]!, `network.layers[${i}].${name}`)] as const,
      ),
    );
    // The input, the layers, then the target: the neuron's order (x, w, b, y), and network-2-2-1's since it was a template.
    return (rng) => {
      const drawnX = dx(rng);
      const drawn = layers.map((layer, i) => {
        const out: Record<string, unknown> = { ...layer };
        for (const [name, draw] of layerDraws[i]) out[name] = draw(rng);
        return out as unknown as LayerSpec;
      });
      const drawnY = dy(rng);
      return { network: { x: drawnX, y: drawnY, ...rest, layers: drawn } as NetworkSpec };
    };
  }
  const { inputs = {}, params = {}, ...rest } = exercise.graph!;
  const leafDraws = (leaves: Record<string, ValueSourceInput>, group: string) =>
    Object.entries(leaves).map(([id, source]) => [id, at(source, `graph.${group}.${id}`)] as const);
  const [inputDraws, paramDraws] = [leafDraws(inputs, 'inputs'), leafDraws(params, 'params')];
  const drawAll = (draws: (readonly [string, Draw])[], rng: Rng): Record<string, ValueSpec> =>
    Object.fromEntries(draws.map(([id, draw]) => [id, draw(rng)]));
  return (rng) => {
    const drawnInputs = drawAll(inputDraws, rng);
    const drawnParams = drawAll(paramDraws, rng);
    const graph: GraphSpec = { ...rest } as GraphSpec;
    if (inputDraws.length) graph.inputs = drawnInputs;
    if (paramDraws.length) graph.params = drawnParams;
    return { graph };
  };
}

const schemaOf: Record<SpecKind, z.ZodType> = {
  neuron: NeuronSpecSchema,
  network: NetworkSpecSchema,
  graph: GraphSpecSchema,
};

/**
 * The drawn spec, checked as a spec sent to POST /v1/gradients would be (a layer's kind, a scalar
 * bias): the first failure is a 422 at the authored field.
 */
export function checkDrawnSpec(spec: ExerciseSpec, kind: SpecKind): void {
  const result = schemaOf[kind].safeParse((spec as Record<string, unknown>)[kind]);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = `exercise.${kind}${issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
  throw specError(
    'INVALID_SPEC',
    path,
    say(`the drawn ${kind} is not a valid spec: ${issue.message}`, `o ${kind} sorteado não é válido: ${issue.message}`),
  );
}
