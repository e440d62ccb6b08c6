/**
 * The setting of a statement written from a neuron or a dense network, in the words of the
 * tutorial's "Atividade prática": who receives what, the parameters, the target, the learning rate,
 * and the definition of an activation the formula alone does not say. What the graph computes,
 * the keys and how to answer follow it (statement.ts).
 */
import type { DenseLayerSpec, NetworkSpec, NeuronSpec } from '../../../specs/spec.js';
import { type Localized, say } from '../../../text.js';
import type { Prose } from '../format.js';
import { given } from '../graph-template.js';
import type { Solved } from '../solve.js';

/** An activation's name in prose, its adjective for units (singular, plural), and its definition where the formula alone does not say it. */
interface ActivationText {
  name: Localized;
  units?: { en: string; pt: [string, string] };
  definition?(p: Prose): string;
}

const activationTexts: Record<string, ActivationText> = {
  sigmoid: {
    name: say('sigmoid', 'sigmoide'),
    units: { en: 'sigmoid', pt: ['sigmoide', 'sigmoides'] },
    definition: () => 'σ(z) = 1 / (1 + e^(−z))',
  },
  tanh: { name: say('tanh', 'tangente hiperbólica (tanh)'), units: { en: 'tanh', pt: ['tanh', 'tanh'] } },
  relu: {
    name: say('ReLU', 'ReLU'),
    units: { en: 'ReLU', pt: ['ReLU', 'ReLU'] },
    definition: (p) => `relu(z) = max(0${p.sep}z)`,
  },
  leaky_relu: {
    name: say('leaky ReLU (α = 0.01)', 'leaky ReLU (α = 0,01)'),
    units: { en: 'leaky ReLU', pt: ['leaky ReLU', 'leaky ReLU'] },
    definition: (p) =>
      say('leaky_relu(z, α) = z if z > 0, else α·z', 'leaky_relu(z; α) = z se z > 0, senão α·z')[p.locale],
  },
  softplus: {
    name: say('softplus', 'softplus'),
    units: { en: 'softplus', pt: ['softplus', 'softplus'] },
    definition: () => 'softplus(z) = ln(1 + e^z)',
  },
  identity: {
    name: say('identity (linear)', 'identidade (linear)'),
    units: { en: 'linear', pt: ['linear', 'lineares'] },
  },
};

const lossNames: Record<string, Localized> = {
  half_squared_error: say('squared error', 'erro quadrático'),
  mse: say('mean squared error', 'erro quadrático médio'),
  bce: say('binary cross-entropy', 'entropia cruzada binária'),
};

/** An activation's name in prose (`tangente hiperbólica (tanh)`); its op name when it has none. */
export const activationName = (activation: string): Localized =>
  activationTexts[activation]?.name ?? say(activation, activation);

/** A loss's name in prose (`erro quadrático médio`); its op name when it has none. */
export const lossName = (loss: string): Localized => lossNames[loss] ?? say(loss, loss);

/** A neuron's heading when the author gives no title: `One neuron, sigmoid activation, squared error loss`. */
export function neuronHeading(n: NeuronSpec, p: Prose): string | undefined {
  const act = activationTexts[n.activation ?? 'sigmoid'];
  const loss = lossNames[n.loss ?? 'half_squared_error'];
  if (!act || !loss) return undefined;
  return say(
    `One neuron, ${act.name.en} activation, ${loss.en} loss`,
    `Um neurônio, ativação ${act.name['pt-BR']}, perda de ${loss['pt-BR']}`,
  )[p.locale];
}

const learningRate = (s: Solved, p: Prose) => `\`η = ${p.given(s.problem.learningRate)}\``;

/** The neuron's numbers in a sentence; the learning rate when a step is asked. */
export function neuronSetting(s: Solved, p: Prose, asksStep: boolean): string {
  const g = (id: string) => given(s, p, [id]);
  const target = asksStep
    ? say(
        `The target is ${g('y')} and the learning rate is ${learningRate(s, p)}.`,
        `O valor esperado é ${g('y')} e a taxa de aprendizado é ${learningRate(s, p)}.`,
      )
    : say(`The target is ${g('y')}.`, `O valor esperado é ${g('y')}.`);
  return `${
    say(
      `A neuron receives the input ${g('x')} and has the weight ${g('w')} and the bias ${g('b')}.`,
      `Um neurônio recebe a entrada ${g('x')} e tem o peso ${g('w')} e o viés ${g('b')}.`,
    )[p.locale]
  } ${target[p.locale]}`;
}

/** `where σ(z) = 1 / (1 + e^(−z)).` after the neuron's computation, when the activation needs it. */
export function neuronDefinition(n: NeuronSpec, p: Prose): string {
  const definition = activationTexts[n.activation ?? 'sigmoid']?.definition;
  return definition ? `\n\n${say('where', 'em que')[p.locale]} \`${definition(p)}\`.` : '';
}

const count = (n: number, one: Localized, many: Localized, p: Prose) => `${n} ${(n === 1 ? one : many)[p.locale]}`;

/** `2 ReLU units` / `2 unidades ReLU`, `1 sigmoid output` / `1 saída sigmoide`. */
function units(n: number, activation: string, output: boolean, p: Prose): string {
  const adj = activationTexts[activation].units!;
  const pt = adj.pt[n === 1 ? 0 : 1];
  const noun = output
    ? { en: n === 1 ? 'output' : 'outputs', pt: n === 1 ? 'saída' : 'saídas' }
    : { en: n === 1 ? 'unit' : 'units', pt: n === 1 ? 'unidade' : 'unidades' };
  return p.locale === 'en' ? `${n} ${adj.en} ${noun.en}` : `${n} ${noun.pt} ${pt}`;
}

const isDescribedDense = (l: NetworkSpec['layers'][number]): l is DenseLayerSpec =>
  (l.kind === undefined || l.kind === 'dense') &&
  activationTexts[(l as DenseLayerSpec).activation ?? '']?.units !== undefined;

/**
 * A dense network on one example (every layer dense with a named activation, x and y vectors), as
 * the tutorial writes one: its architecture, example, parameters and learning rate; otherwise
 * undefined, and the statement lists the given values.
 */
export function networkSetting(s: Solved, p: Prose, asksStep: boolean): string | undefined {
  const net = (s.problem as { network?: NetworkSpec }).network;
  if (!net?.layers.every(isDescribedDense)) return undefined;
  if (s.value('x').shape.length !== 1 || s.value('y').shape.length !== 1) return undefined;
  const layers = net.layers as DenseLayerSpec[];
  const sizes = layers.map((_, i) => s.value(`b${i + 1}`).shape[0]);
  if (sizes.some((n) => n === undefined)) return undefined;
  const parts = [
    count(s.value('x').shape[0], say('input', 'entrada'), say('inputs', 'entradas'), p),
    ...layers
      .slice(0, -1)
      .map(
        (l, i) =>
          say('a hidden layer of ', 'uma camada oculta de ')[p.locale] + units(sizes[i], l.activation!, false, p),
      ),
    units(sizes[sizes.length - 1], layers[layers.length - 1].activation!, true, p),
  ];
  const and = say(' and ', ' e ')[p.locale];
  const architecture = `${parts.slice(0, -1).join(', ')}${and}${parts[parts.length - 1]}`;
  const params = layers.flatMap((_, i) => [`W${i + 1}`, `b${i + 1}`]);
  const rate = asksStep
    ? ` ${say('The learning rate is', 'A taxa de aprendizado é')[p.locale]} ${learningRate(s, p)}.`
    : '';
  return (
    say(
      `A network with ${architecture} receives the example ${given(s, p, ['x'])} with the target ${given(s, p, ['y'])}. Its parameters are ${given(s, p, params)}: row \`i\` of a weight matrix holds the weights into unit \`i\` (as PyTorch's \`nn.Linear\`).`,
      `Uma rede com ${architecture} recebe o exemplo ${given(s, p, ['x'])} com o valor esperado ${given(s, p, ['y'])}. Seus parâmetros são ${given(s, p, params)}: a linha \`i\` de uma matriz de pesos contém os pesos que chegam à unidade \`i\` (como no \`nn.Linear\` do PyTorch).`,
    )[p.locale] + rate
  );
}

/** "It computes (…):" for a dense network: how `x · W1ᵀ` reads, and what σ is when a layer is a sigmoid. */
export function networkComputes(s: Solved, p: Prose): string {
  const net = (s.problem as { network: NetworkSpec }).network;
  const sigmoid = (net.layers as DenseLayerSpec[]).some((l) => l.activation === 'sigmoid');
  return say(
    `It computes (\`x · W1ᵀ\` is \`W1·x\` written for a row \`x\`${sigmoid ? '; `σ` is the sigmoid' : ''}):`,
    `Ela calcula (\`x · W1ᵀ\` é \`W1·x\` escrito para uma linha \`x\`${sigmoid ? '; `σ` é a sigmoide' : ''}):`,
  )[p.locale];
}
