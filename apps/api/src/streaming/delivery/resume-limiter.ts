/** A token bucket: `burst` at once, then `perSecond`. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

export interface ResumeLimits {
  /** Resumes one socket may ask for (all streams together). */
  perSocket: BucketLimit;
  /** Resumes of one stream (all of its user's sockets together). */
  perStream: BucketLimit;
}

/**
 * A client resumes on each reconnect and each time a view mounts (twice under React's StrictMode),
 * rarely more than a few times a minute; a replay can send thousands of events.
 */
export const DEFAULT_RESUME_LIMITS: ResumeLimits = {
  perSocket: { burst: 10, perSecond: 1 },
  perStream: { burst: 20, perSecond: 2 },
};

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key, forgetting the ones that have refilled (pure apart from the injected clock). */
export class Buckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: BucketLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `key` may go on now (and takes a token if so). */
  take(key: string): boolean {
    const at = this.now();
    const bucket = this.refill(key, at);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string, at: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) {
      this.sweep(at);
      return { tokens: this.limit.burst, at };
    }
    const tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((at - bucket.at) / 1000) * this.limit.perSecond,
    );
    return Object.assign(bucket, { tokens, at });
  }

  /** Drops the buckets that are full again (they behave exactly like absent ones). */
  private sweep(at: number): void {
    if (this.buckets.size < 1024) return;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((at - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) {
        this.buckets.delete(key);
      }
    }
  }
}

/** Resumes allowed per socket and per stream. */
export class ResumeLimiter {
  private readonly sockets: Buckets;
  private readonly streams: Buckets;

  constructor(limits: ResumeLimits = DEFAULT_RESUME_LIMITS, now: () => number = Date.now) {
    this.sockets = new Buckets(limits.perSocket, now);
    this.streams = new Buckets(limits.perStream, now);
  }

  allow(socketId: string, userId: string, streamId: string): boolean {
    return this.sockets.take(socketId) && this.streams.take(`${userId}\n${streamId}`);
  }
}
