/**
 * Waiting jobs, one line per owner, served in turns: `take` hands out the oldest job of the owner
 * who was served longest ago (or never), skipping owners already running `perOwner` jobs. So one
 * student's pile of uploads cannot hold every slot while another student's single file waits: the
 * other student is next as soon as any slot frees. Pure; the caller runs the jobs.
 */
export class FairQueue<T> {
  /** Owner → their waiting jobs, oldest first. Map order is the turn order (least recently served first). */
  private readonly lines = new Map<string, T[]>();
  private count = 0;

  constructor(
    private readonly ownerOf: (job: T) => string,
    private readonly perOwner: number,
  ) {}

  get size(): number {
    return this.count;
  }

  push(job: T): void {
    const owner = this.ownerOf(job);
    const line = this.lines.get(owner);
    if (line) line.push(job);
    else this.lines.set(owner, [job]);
    this.count++;
  }

  /**
   * The next job to start, or undefined when every waiting job's owner already runs `perOwner`
   * jobs (`running(owner)` says how many). The served owner's turn moves to the back.
   */
  take(running: (owner: string) => number): T | undefined {
    for (const [owner, line] of this.lines) {
      if (running(owner) >= this.perOwner) continue;
      const job = line.shift()!;
      this.lines.delete(owner);
      if (line.length > 0) this.lines.set(owner, line);
      this.count--;
      return job;
    }
    return undefined;
  }

  some(predicate: (job: T) => boolean): boolean {
    for (const line of this.lines.values()) if (line.some(predicate)) return true;
    return false;
  }

  /** Removes the first waiting job that matches; returns it. */
  remove(predicate: (job: T) => boolean): T | undefined {
    for (const [owner, line] of this.lines) {
      const at = line.findIndex(predicate);
      if (at < 0) continue;
      const [job] = line.splice(at, 1);
      if (line.length === 0) this.lines.delete(owner);
      this.count--;
      return job;
    }
    return undefined;
  }

  clear(): void {
    this.lines.clear();
    this.count = 0;
  }
}
