import { Injectable } from '@nestjs/common';

export type ReadinessState =
  | { ready: true; detail?: Record<string, unknown> }
  | { ready: false; code: string; message: string; detail?: Record<string, unknown> };

/** Something the server must have done before it takes traffic (projections caught up, ...). */
export interface ReadinessCheck {
  name: string;
  check(): ReadinessState;
}

/**
 * Where modules say what "ready" waits for, so that the health controller
 * knows nothing of them: a module registers its check when it starts.
 */
@Injectable()
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  evaluate(): { name: string; state: ReadinessState }[] {
    return this.checks.map((c) => ({ name: c.name, state: c.check() }));
  }
}
