import type { Queryable } from './db.ts';
import { isStoreUnavailable } from './unavailable.ts';
import { declareIncidentOnce, declareIncidents, type DeclareInput, type DeclareOutcome } from './sql/declareIncidents.ts';

interface Waiting {
  input: DeclareInput;
  resolve: (o: DeclareOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for declares. Gapless numbers make declares take turns on the counter row until
 * their commit, so ten at once wait for ten fsyncs one after another. Here a declare that finds
 * none in flight is written at once, alone, by `declareIncidentOnce`; declares arriving while one
 * is being written wait for it and are then written together, in one statement and one commit
 * (`declareIncidents`). Two with the same request key or the same title never share a statement:
 * the later one waits for the next, which sees the earlier one (a repeat or a duplicate, as if
 * they had come one after another). If a batch fails, its declares are written one by one, so
 * each gets its own answer (or error); if the store does not answer, every declare waiting gets
 * that error at once.
 */
export class DeclareBatcher {
  private readonly waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Queryable, private readonly maxBatch = 50) {}

  declare(input: DeclareInput): Promise<DeclareOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.writing) void this.writeAll();
    });
  }

  private async writeAll(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) await this.write(this.takeBatch());
    } finally {
      this.writing = false;
    }
  }

  /** The oldest declares, in order, with no request key or title twice. */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const keys = new Set<string>();
    const titles = new Set<string>();
    for (let i = 0; i < this.waiting.length && batch.length < this.maxBatch;) {
      const w = this.waiting[i];
      const title = w.input.incident.title.toLowerCase();
      if (keys.has(w.input.requestKey) || titles.has(title)) {
        i++;
        continue;
      }
      keys.add(w.input.requestKey);
      titles.add(title);
      batch.push(w);
      this.waiting.splice(i, 1);
    }
    return batch;
  }

  private async write(batch: Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const outcomes = await declareIncidents(this.db, batch.map((w) => w.input));
        batch.forEach((w, i) => w.resolve(outcomes[i]));
        return;
      } catch (e) {
        if (isStoreUnavailable(e)) return this.failAll(batch, e);
        // Nothing was written: one by one below, each with its own outcome or error.
      }
    }
    for (const [i, w] of batch.entries()) {
      try {
        w.resolve(await declareIncidentOnce(this.db, w.input));
      } catch (e) {
        w.reject(e);
        if (isStoreUnavailable(e)) return this.failAll(batch.slice(i + 1), e);
      }
    }
  }

  /**
   * The store did not answer: every declare still waiting gets the same error now (the router
   * keeps them in the local journal) rather than each waiting out its own timeout in turn.
   */
  private failAll(batch: Waiting[], e: unknown): void {
    for (const w of [...batch, ...this.waiting.splice(0)]) w.reject(e);
  }
}
