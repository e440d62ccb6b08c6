/** Every seeded exercise's answer keys are gradable: sent back as they are, they score 1. */
import { describe, expect, it } from 'vitest';
import { generateExercise, templateIds } from '../../../src/core/exercises/index.js';
import { grade, readAnswers } from '../../../src/core/grading/grade.js';
import { compileSpec } from '../../../src/specs/index.js';

describe('exercise answer keys', () => {
  it.each(templateIds.map((t) => [t]))('%s: 1,000 seeds each grade to a full score', (template) => {
    for (let seed = 0; seed < 1000; seed++) {
      const { problem, answers } = generateExercise(template, seed);
      const { learningRate, epsilon } = problem as { learningRate?: number; epsilon?: number };
      const tape = compileSpec(problem);
      const report = grade(tape, readAnswers(tape, answers), { learningRate, epsilon, locale: 'en' });
      if (report.score !== 1) expect({ seed, results: report.results.filter((r) => !r.correct) }).toEqual({ seed, results: [] });
    }
  });
});
