// Group commit: concurrent callers of one statement share a round trip. A caller alone goes at once
// (no added latency when the server is quiet); while `maxInFlight` batches are running, the callers
// that arrive wait and go together as the next batch, so under load a batch grows with the load and
// the database sees one statement where it saw dozens. One caller's input that the database refuses
// never fails the others: a failed batch is run again one input at a time, each answered alone.
// (DataLoader batches per tick and caches; this batches per busy period and never caches.)

export interface GroupCommitOptions<I> {
  /** Batches running at once (the pool's connections the callers may share). */
  maxInFlight?: number;
  /** Inputs in one batch at most. */
  maxBatch?: number;
  /** A batch stops growing once its inputs weigh this much (one input alone may weigh more). */
  maxWeight?: number;
  /** An input's weight (default 1): its events, say, so that big bodies do not make one huge statement. */
  weight?: (input: I) => number;
}

interface Waiting<I, O> {
  input: I;
  resolve: (o: O) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly maxWeight: number;
  private readonly weight: (input: I) => number;
  /** Inputs run and batches made so far: how much was shared (the tests read it). */
  readonly stats = { inputs: 0, batches: 0 };

  /** `run` answers one output per input, in order, or throws for all of them. */
  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    opts: GroupCommitOptions<I> = {},
  ) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
    this.maxBatch = Math.max(1, opts.maxBatch ?? 64);
    this.maxWeight = opts.maxWeight ?? Infinity;
    this.weight = opts.weight ?? (() => 1);
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      let n = 0;
      let weight = 0;
      while (n < this.queue.length && n < this.maxBatch) {
        weight += this.weight(this.queue[n]!.input);
        if (n > 0 && weight > this.maxWeight) break;
        n++;
      }
      const batch = this.queue.splice(0, n);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.next();
      });
    }
  }

  private async runBatch(batch: Waiting<I, O>[]): Promise<void> {
    this.stats.inputs += batch.length;
    this.stats.batches++;
    let outputs: O[];
    try {
      outputs = await this.run(batch.map((w) => w.input));
      if (outputs.length !== batch.length) throw new Error(`group commit: ${outputs.length} outputs for ${batch.length} inputs`);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Which input the database refused is not known: each goes again alone, and fails alone.
      await Promise.all(
        batch.map(async (w) => {
          try {
            const [out] = await this.run([w.input]);
            w.resolve(out as O);
          } catch (e) {
            w.reject(e);
          }
        }),
      );
      return;
    }
    batch.forEach((w, i) => w.resolve(outputs[i]!));
  }
}
