/** The page's own words, in both languages side by side; the service's answers bring their own. */
import { type Localized, say } from '../../src/text.js';

export const WORDS = {
  title: say('Backpropagation, step by step', 'Retropropagação, passo a passo'),
  intro: say(
    "Type a computational graph in the tutorial's notation, give its numbers, and see it computed: the picture with each value and gradient, and the explanation, from the forward pass to the update.",
    'Escreva um grafo computacional na notação do tutorial, dê os seus números e veja-o calculado: a figura com cada valor e gradiente, e a explicação, do passo para frente à atualização.',
  ),
  skip: say('Skip to the page', 'Ir para a página'),
  docsLink: say('The API (Swagger UI)', 'A API (Swagger UI)'),
  language: say('Language', 'Idioma'),
  graphHeading: say('The graph', 'O grafo'),
  exprLabel: say("Statements, in the tutorial's notation", 'Instruções, na notação do tutorial'),
  exprHelp: say(
    'One statement per line or separated by ;. Operators + − * / ^, and calls such as sigmoid(z), tanh(z), relu(z).',
    'Uma instrução por linha ou separadas por ;. Operadores + − * / ^, e chamadas como sigmoid(z), tanh(z), relu(z).',
  ),
  inputsLabel: say('Inputs (never updated)', 'Entradas (nunca atualizadas)'),
  paramsLabel: say('Params (updated by the step)', 'Parâmetros (atualizados pelo passo)'),
  valuesHelp: say('name = number, separated by ;', 'nome = número, separados por ;'),
  learningRateLabel: say('Learning rate η', 'Taxa de aprendizado η'),
  learningRateInvalid: say('write a number above 0, such as 0.1', 'escreva um número maior que 0, como 0,1'),
  compute: say('Compute', 'Calcular'),
  shareLink: say('Link to this graph, to share', 'Link para este grafo, para compartilhar'),
  startLabel: say('Start from', 'Começar de'),
  startExample: say("The tutorial's worked example", 'O exemplo resolvido do tutorial'),
  startNeuron: say('The same, as a neuron (JSON)', 'O mesmo, como um neurônio (JSON)'),
  startNodes: say(
    "The tutorial's exercise, as graph nodes (JSON)",
    'O exercício do tutorial, como nós do grafo (JSON)',
  ),
  startNetwork: say('A 2-2-1 network (JSON)', 'Uma rede 2-2-1 (JSON)'),
  exercises: say('Exercises, drawn with the seed', 'Exercícios, sorteados com a semente'),
  seedLabel: say('Seed (exercises)', 'Semente (exercícios)'),
  open: say('Open', 'Abrir'),
  modeLegend: say('Written as', 'Escrito como'),
  modeNotation: say("the tutorial's notation", 'a notação do tutorial'),
  modeJson: say('JSON: nodes, a neuron or a network', 'JSON: nós, um neurônio ou uma rede'),
  specLabel: say('The spec, as JSON', 'A especificação, em JSON'),
  specHelp: say(
    'One of {"graph": …}, {"neuron": …} or {"network": …}, as the API takes it (docs/api.md §2).',
    'Um de {"graph": …}, {"neuron": …} ou {"network": …}, como a API o recebe (docs/api.md §2).',
  ),
  specInvalid: say('not JSON: ', 'não é JSON: '),
  specNotObject: say(
    'write one object: {"graph": …}, {"neuron": …} or {"network": …}',
    'escreva um objeto: {"graph": …}, {"neuron": …} ou {"network": …}',
  ),
  exerciseHeading: say('The exercise', 'O exercício'),
  keyHeading: say('API key', 'Chave de API'),
  keyHelp: say(
    'This service needs a key. It is kept in this tab only, and sent to this service only.',
    'Este serviço exige uma chave. Ela fica só nesta aba, e é enviada só a este serviço.',
  ),
  keyLabel: say('Key', 'Chave'),
  keyUse: say('Use this key', 'Usar esta chave'),
  pictureHeading: say('The graph drawn', 'O grafo desenhado'),
  pictureLabel: say(
    'The computational graph, each box with its id, value and gradient',
    'O grafo computacional, cada caixa com seu id, valor e gradiente',
  ),
  pictureHelp: say(
    'Click a box (or Tab to it and press Enter) to see its value, its local derivatives and its gradient.',
    'Clique numa caixa (ou chegue a ela com Tab e tecle Enter) para ver seu valor, suas derivadas locais e seu gradiente.',
  ),
  saveSvg: say('Save the picture (SVG)', 'Salvar a figura (SVG)'),
  print: say('Print the page', 'Imprimir a página'),
  contributions: say('Its contributions, one per use', 'Suas contribuições, uma por uso'),
  from: say('from', 'de'),
  nodeDetails: say('The box chosen', 'A caixa escolhida'),
  stepsHeading: say('The explanation', 'A explicação'),
  showLegend: say('Show', 'Mostrar'),
  showAll: say('All at once', 'Tudo de uma vez'),
  showStepwise: say('Step by step', 'Passo a passo'),
  previous: say('Previous step', 'Passo anterior'),
  next: say('Next step', 'Próximo passo'),
  practice: say('Hide the answers: I work them out myself', 'Esconder as respostas: eu as calculo'),
  practiceHelp: say(
    'Type each answer (a decimal comma is fine) and press Enter: the service grades it, giving credit for a step right from your own earlier answers.',
    'Digite cada resposta (vírgula decimal serve) e tecle Enter: o serviço a corrige, dando crédito ao passo certo a partir das suas respostas anteriores.',
  ),
  check: say('Check', 'Conferir'),
  reveal: say('Show the answer', 'Mostrar a resposta'),
  right: say('✓ Right.', '✓ Certo.'),
  wrong: say('✗ Not yet.', '✗ Ainda não.'),
  showPicture: say('Show the picture (it holds the answers)', 'Mostrar a figura (ela traz as respostas)'),
  computing: say('Computing…', 'Calculando…'),
  unreachable: say(
    'The service did not answer: is it running, and is this page served by it?',
    'O serviço não respondeu: ele está no ar, e esta página é servida por ele?',
  ),
  at: say('at', 'em'),
  line: say('line', 'linha'),
} satisfies Record<string, Localized>;

export type Word = keyof typeof WORDS;

/** What the page says of a part of a statement chosen in the picture (its box labelled with its formula). */
export const partOf = (statement: string): Localized =>
  say(
    `A part of the statement of ${statement}: the explanation writes it inside ${statement}'s lines.`,
    `Uma parte da instrução de ${statement}: a explicação a escreve dentro das linhas de ${statement}.`,
  );

/** Each phase of an explanation, as the tutorial names it. */
export const PHASES: Record<string, Localized> = {
  forward: say('Forward pass', 'Passo para frente'),
  local: say('Local derivatives', 'Derivadas locais'),
  backward: say('Backward pass', 'Passo para trás'),
  update: say('Update', 'Atualização'),
  gradcheck: say('Finite-difference check', 'Verificação por diferenças finitas'),
};
