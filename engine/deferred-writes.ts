/**
 * Cache writes put off until the caller would otherwise wait: a re-synthesis writes the
 * agency files it read while the policy gate's thread checks the last stacks (engine/synth.ts),
 * not on its way to synthesis (a first synthesis hands them to the gate's thread instead). A cold
 * synthesis of 3,400 agencies spent about 0.4 s of its main thread storing them before synthesis
 * started.
 */
export class DeferredWrites {
  private writes: Array<() => void> = [];

  public add(write: () => void): void {
    this.writes.push(write);
  }

  /** Runs the writes added so far, in the order they were added. */
  public flush(): void {
    const writes = this.writes;
    this.writes = [];
    for (const write of writes) write();
  }
}
