import type { RollupsUpkeep } from '../store/store.js';

/**
 * A load's upkeep of its rollups, timed over its steps (planning before the rows are written, the
 * refresh after them, the work after the commit) and reported as it goes: each rollup as it
 * starts, then the total and the seconds once the load is done with them.
 */
export class Upkeep {
  private seconds = 0;
  private started = 0;
  private total = 0;
  private failed = false;

  constructor(
    private readonly report?: (upkeep: RollupsUpkeep) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs one step of the upkeep, its time counted. */
  async timed<T>(step: () => Promise<T>): Promise<T> {
    const t = this.now();
    try {
      return await step();
    } finally {
      this.seconds += (this.now() - t) / 1000;
    }
  }

  /** Rollups the load will keep current (added up over the steps that find some). */
  plan(rollups: number): void {
    this.total += rollups;
  }

  /** One rollup's refresh starts. */
  readonly start = (rollup: string): void => {
    this.report?.({ done: Math.min(this.started, this.total), total: Math.max(this.total, this.started + 1), rollup });
    this.started += 1;
  };

  /** A step failed (the load stands; what it would refresh stays stale and is read from the rows): nothing is reported as kept. */
  fail(): void {
    this.failed = true;
  }

  /** The load is done with its rollups: how many it kept and the seconds they took (nothing when it kept none, or a step failed). */
  finish(): { readonly kept: number; readonly seconds: number } | null {
    if (this.total === 0 || this.failed) return null;
    this.report?.({ done: this.total, total: this.total, seconds: this.seconds });
    return { kept: this.total, seconds: this.seconds };
  }
}
