/** How long text may wait to share a `token` event (see `generate`'s `coalesceMs`). */
export interface CoalescingSettings {
  /** STREAM_COALESCE_MS: the wait after the previous event, or `off` (one event per model token). */
  windowMs: number | 'off';
  /** STREAM_COALESCE_FROM: the answers streaming at once in this process from which the wait applies. */
  fromStreams: number;
}

/** One answer's share of the streaming: the wait its text gets, and the call that ends it. */
export interface StreamingTurn {
  coalesceMs: number | 'off';
  end(): void;
}

export interface StreamingAnswers {
  /** An answer starts streaming (the caller calls `end` once it is over, however it ends). */
  begin(): StreamingTurn;
  /** Answers streaming now. */
  readonly running: number;
}

/**
 * Chooses each answer's wait from the load it starts in. Every `token` event costs a write and a read
 * at every hop down to the student's socket, so with many answers at once most of the CPU goes per
 * event, and a short wait that lets two or three model tokens share one event saves much of it. With
 * few answers there is CPU to spare and the wait would only delay the text: below `fromStreams`
 * answers at once an answer's text goes as soon as it is read (`coalesceMs` 0).
 */
export function streamingAnswers(settings: CoalescingSettings): StreamingAnswers {
  let running = 0;
  return {
    begin() {
      running += 1;
      const busy = running >= settings.fromStreams;
      let ended = false;
      return {
        coalesceMs: settings.windowMs === 'off' || busy ? settings.windowMs : 0,
        end: () => {
          if (ended) return;
          ended = true;
          running -= 1;
        },
      };
    },
    get running() {
      return running;
    },
  };
}
