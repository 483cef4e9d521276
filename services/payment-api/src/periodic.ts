/** Runs a background task every `intervalMs`, never two runs at once; a failed run is logged and the next one tries again. */
export class Periodic {
  private running: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly task: () => Promise<unknown>,
    intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {
    // Fire and forget: runOnce chains the runs and reports their failures itself, so nothing can reject here.
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  runOnce(): Promise<unknown> {
    this.running = this.running.then(() => this.task().catch(this.onError));
    return this.running;
  }

  /** Stops the timer and waits for a run in progress; with `finalRun`, runs once more (e.g. to seal what is queued). */
  async stop(finalRun = false): Promise<void> {
    clearInterval(this.timer);
    await (finalRun ? this.runOnce() : this.running);
  }
}
