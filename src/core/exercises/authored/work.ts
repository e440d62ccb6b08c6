/**
 * How long drawing an authored exercise may take, in element operations (OFFLOAD_WORK's unit,
 * about 300,000 a millisecond), estimated from the exercise as written, before any draw: what
 * decides whether it is drawn on a worker thread. An exercise with constraints may be drawn
 * MAX_DRAWS times, each draw solved (forward and backward) to be checked, so its worst case is
 * counted. Measured (the tutorial's neuron: 0.12 ms a draw; a 64×8 → 32 → 1 network of about 900
 * drawn numbers: 3 ms a draw; a chain of 100 scalar tanh nodes: 0.3 ms a draw), a draw costs
 * about a fixed 30,000, 1,000 a drawn number and 600 a node. Numbers are counted from above (a
 * range's min, max and step count three, every choice counts): the estimate errs toward a worker.
 */
import type { AuthoredExerciseInput } from '../../../schemas/authored.js';
import { MAX_DRAWS } from '../template.js';

const DRAW_WORK = 30_000;
const NUMBER_WORK = 1_000;
const NODE_WORK = 600;

/** The numbers an exercise's leaves hold once drawn: each number written, each random tensor's shape. */
function drawnNumbers(value: unknown): number {
  if (typeof value === 'number') return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + drawnNumbers(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return shape.reduce((n: number, d) => n * (typeof d === 'number' ? d : 1), 1);
  return Object.values(value).reduce((n: number, v) => n + drawnNumbers(v), 0);
}

/** The graph's nodes, as written: a network's layer is about four (linear, activation, their gradients). */
function nodeCount({ neuron, network, graph }: AuthoredExerciseInput): number {
  if (neuron) return 4;
  if (network) return 4 * network.layers.length + 1;
  if (!graph) return 0;
  if ('nodes' in graph && Array.isArray(graph.nodes)) return graph.nodes.length;
  // An expr's statements, each an operation or more.
  return 'expr' in graph && typeof graph.expr === 'string' ? graph.expr.split(/[;\n]/).length : 0;
}

/** The element operations of drawing `exercise` at worst: every draw refused but the last. */
export function authoredDrawWork(exercise: AuthoredExerciseInput): number {
  const { neuron, network, graph, constraints } = exercise;
  const draws = constraints && Object.keys(constraints).length > 0 ? MAX_DRAWS : 1;
  const numbers = drawnNumbers({ neuron, network, graph });
  return draws * (DRAW_WORK + NUMBER_WORK * numbers + NODE_WORK * nodeCount(exercise));
}
