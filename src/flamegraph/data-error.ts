// Raised by the low-level decoders; parse.ts adds the file name and line number and turns it
// into a SquirrlyError, so the decoders stay free of user-facing wording about files.

export type FlameGraphDataProblem = 'malformed' | 'inconsistent';

export class FlameGraphDataError extends Error {
  readonly problem: FlameGraphDataProblem;
  constructor(problem: FlameGraphDataProblem, detail: string) {
    super(detail);
    this.name = 'FlameGraphDataError';
    this.problem = problem;
  }
}
