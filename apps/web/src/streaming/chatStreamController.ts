import type {
  ChatStreamCompletePayload,
  ChatStreamErrorPayload,
  ChatStreamStartPayload,
  ChatStreamTokenPayload,
} from '@classchat/contracts';
import type { RealtimeSocket } from './socket.js';
import {
  initialStreamState,
  isActivePhase,
  streamReducer,
  type StreamAction,
  type StreamError,
  type StreamState,
} from './streamReducer.js';

/**
 * How long an answer may show no event at all, connected or not, before it is given up: the api's
 * own STREAM_TIMEOUT_MS (60 s) plus the time its `stream_timeout` error needs to arrive first.
 */
export const STREAM_TIMEOUT_MS = 75_000;

/**
 * The same bound while the request that starts the answer is still unanswered. A server with
 * streaming turned off answers that request only with the finished answer, which may take up to its
 * STREAM_MAX_DURATION_S (120 s by default) without any event; a server that streams answers it at
 * once, and the shorter bound then applies again.
 */
export const PENDING_REQUEST_TIMEOUT_MS = 195_000;

export interface ChatStreamCallbacks {
  onStart?: (payload: ChatStreamStartPayload) => void;
  onComplete?: (payload: ChatStreamCompletePayload) => void;
  onError?: (error: StreamError, streamId: string) => void;
  /**
   * The server knows nothing to replay for the watched stream (`chat-stream-resume` answered
   * `found: false`): it has not sent its first event yet, or it is over and its replay expired.
   * Live events still arrive if it is running; the owner decides (e.g. re-reads the session).
   */
  onMissing?: (streamId: string) => void;
}

/**
 * Follows one streamed answer at a time over a shared socket. Listeners are attached by `watch()`
 * (synchronously, so no event can slip past before React renders) and removed as soon as the stream
 * completes or fails, when another stream is watched, on `reset()` and on `suspend()` (unmount).
 * All state changes go through the pure `streamReducer`, so duplicate or replayed tokens are
 * dropped by seq no matter how often they arrive.
 */
export class ChatStreamController {
  private state: StreamState = initialStreamState;
  private readonly subscribers = new Set<() => void>();
  private detachListeners: (() => void) | null = null;
  private suspended = false;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private offlineTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The request that starts the watched answer has not been answered yet. */
  private requestPending = false;
  callbacks: ChatStreamCallbacks = {};

  /**
   * `offlineGraceMs`: how long the socket may stay disconnected while an answer is arriving before
   * the answer is given up as a retryable error (the server or the network is gone; a reconnect
   * within it catches up by replay). `idleTimeoutMs`: how long it may show no event even while
   * connected (the process writing it died without a word).
   */
  constructor(
    private readonly socket: RealtimeSocket,
    private readonly stopGraceMs = 10_000,
    private readonly offlineGraceMs = 30_000,
    private readonly idleTimeoutMs = STREAM_TIMEOUT_MS,
    private readonly pendingTimeoutMs = PENDING_REQUEST_TIMEOUT_MS,
  ) {}

  getState = (): StreamState => this.state;

  subscribe = (fn: () => void): (() => void) => {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  };

  /**
   * Start following `streamId` (call before `POST chat/new` so the earliest events are caught).
   * `replay: true` also asks the server for everything sent so far (when the id became known late).
   * `requestPending: true`: the request starting it is on its way; call `accepted()` once answered.
   */
  watch(streamId: string, options: { replay?: boolean; requestPending?: boolean } = {}): void {
    this.detach();
    this.requestPending = options.requestPending ?? false;
    this.dispatch({ type: 'watch', streamId });
    if (this.suspended) return;
    this.attach(streamId);
    if (options.replay) this.requestReplay(streamId);
  }

  /** The request that started `streamId` was answered: the usual silence bound applies again. */
  accepted(streamId: string): void {
    if (!this.requestPending || this.state.streamId !== streamId) return;
    this.requestPending = false;
    if (this.idleTimer) this.armIdleTimer(streamId);
  }

  /**
   * Ask the server to stop the stream; it answers with complete (status `stopped`) or an error
   * (`cancelled`, when no token had been sent). Should neither arrive, the stream ends locally as
   * cancelled after `stopGraceMs`.
   */
  stop(): void {
    const { streamId, phase } = this.state;
    if (!streamId || !isActivePhase(phase) || this.state.stopping) return;
    this.dispatch({ type: 'stop-requested' });
    this.socket.emit('chat-stream-cancel', { streamId });
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      if (this.state.streamId === streamId && isActivePhase(this.state.phase)) {
        this.fail({ message: 'Stopped.', code: 'cancelled', retryable: false });
      }
    }, this.stopGraceMs);
  }

  /** A local failure (the POST failed): ends the stream as an error. */
  fail(error: StreamError): void {
    const before = this.state;
    this.dispatch({ type: 'failed', error });
    if (before !== this.state && before.streamId) this.finish(before.streamId);
  }

  reset(): void {
    this.detach();
    this.dispatch({ type: 'reset' });
  }

  /** The owning component unmounted (or StrictMode simulated it): drop every listener. */
  suspend(): void {
    this.suspended = true;
    this.detach();
  }

  /** The owning component (re)mounted: reattach if a stream is still running and catch up. */
  resume(): void {
    this.suspended = false;
    const { streamId, phase } = this.state;
    if (streamId && isActivePhase(phase) && !this.detachListeners) {
      this.attach(streamId);
      this.requestReplay(streamId);
    }
  }

  /** Whether this controller currently holds listeners on the socket (for tests and diagnostics). */
  get attached(): boolean {
    return this.detachListeners !== null;
  }

  private dispatch(action: StreamAction): void {
    const next = streamReducer(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const fn of this.subscribers) fn();
  }

  private requestReplay(streamId: string): void {
    if (!this.socket.connected) return; // the `connect` listener will ask once connected
    this.emitResume(streamId);
  }

  /** Asks for everything after the last applied seq; reports a stream the server cannot find. */
  private emitResume(streamId: string): void {
    this.socket.emit('chat-stream-resume', { streamId, afterSeq: this.state.lastSeq }, (ack) => {
      if (!ack || ack.found || !ack.ok) return;
      if (this.state.streamId !== streamId || !isActivePhase(this.state.phase)) return;
      this.callbacks.onMissing?.(streamId);
    });
  }

  private attach(streamId: string): void {
    const socket = this.socket;
    const onStart = (p: ChatStreamStartPayload) => {
      if (p.streamId !== streamId) return;
      this.armIdleTimer(streamId);
      this.dispatch({ type: 'event', event: { ...p, type: 'chat-stream-start' } });
      this.callbacks.onStart?.(p);
    };
    const onToken = (p: ChatStreamTokenPayload) => {
      if (p.streamId !== streamId) return;
      this.armIdleTimer(streamId);
      this.dispatch({ type: 'event', event: { ...p, type: 'chat-stream-token' } });
    };
    const onComplete = (p: ChatStreamCompletePayload) => {
      if (p.streamId !== streamId) return;
      const before = this.state;
      this.dispatch({ type: 'event', event: { ...p, type: 'chat-stream-complete' } });
      if (before === this.state) return;
      this.detach();
      this.callbacks.onComplete?.(p);
    };
    const onError = (p: ChatStreamErrorPayload) => {
      if (p.streamId !== streamId) return;
      const before = this.state;
      this.dispatch({ type: 'event', event: { ...p, type: 'chat-stream-error' } });
      if (before === this.state) return;
      this.finish(streamId);
    };
    // Chat events are not part of Socket.IO's connection state recovery: after any reconnect,
    // recovered or not, ask the server for everything after the last applied seq.
    const onConnect = () => {
      this.clearOfflineTimer();
      this.emitResume(streamId);
    };
    const onDisconnect = () => this.startOfflineTimer(streamId);
    socket.on('chat-stream-start', onStart);
    socket.on('chat-stream-token', onToken);
    socket.on('chat-stream-complete', onComplete);
    socket.on('chat-stream-error', onError);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    if (!socket.connected) this.startOfflineTimer(streamId);
    this.armIdleTimer(streamId);
    this.detachListeners = () => {
      socket.off('chat-stream-start', onStart);
      socket.off('chat-stream-token', onToken);
      socket.off('chat-stream-complete', onComplete);
      socket.off('chat-stream-error', onError);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
    };
  }

  private finish(streamId: string): void {
    this.detach();
    if (this.state.error) this.callbacks.onError?.(this.state.error, streamId);
  }

  private startOfflineTimer(streamId: string): void {
    if (this.offlineTimer) return;
    this.offlineTimer = setTimeout(() => {
      this.offlineTimer = null;
      if (this.state.streamId !== streamId || !isActivePhase(this.state.phase)) return;
      this.fail({
        message:
          'The connection was lost while the answer was arriving. If it finished meanwhile, it appears when you reopen the chat; otherwise try again.',
        code: 'network_error',
        retryable: true,
      });
    }, this.offlineGraceMs);
  }

  private armIdleTimer(streamId: string): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const timeout = this.requestPending ? this.pendingTimeoutMs : this.idleTimeoutMs;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.state.streamId !== streamId || !isActivePhase(this.state.phase)) return;
      this.fail({
        message: 'The assistant stopped responding. Please try again.',
        code: 'stream_timeout',
        retryable: true,
      });
    }, timeout);
  }

  private clearOfflineTimer(): void {
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
  }

  private detach(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.clearOfflineTimer();
    const detach = this.detachListeners;
    this.detachListeners = null;
    detach?.();
  }
}
