import type { ChatSseEvent, ChatStreamCompletePayload, Route } from '@classchat/contracts';
import type { ClientErrorCode } from '../api/http.js';

/**
 * The state of one streamed answer, driven only by the `chat-stream-*` events (as ChatSseEvent,
 * i.e. the socket payload plus its event name as `type`) and a few local actions. Pure: the socket
 * wiring lives in `chatStreamController.ts`.
 */
export type StreamPhase = 'idle' | 'waiting' | 'streaming' | 'complete' | 'error';

export interface StreamError {
  message: string;
  code: ClientErrorCode;
  retryable: boolean;
}

export interface StreamState {
  streamId: string | null;
  sessionId: string | null;
  phase: StreamPhase;
  route: Route | null;
  /** The text of every token applied so far, in seq order, without gaps. */
  text: string;
  /** The highest seq applied; every seq up to it has been applied exactly once. */
  lastSeq: number;
  /** Tokens that arrived ahead of a missing seq, waiting for the gap to be filled (by seq). */
  pending: Readonly<Record<number, string>>;
  /** Stop was pressed; the server will still answer with complete (status `stopped`) or error. */
  stopping: boolean;
  result: ChatStreamCompletePayload | null;
  error: StreamError | null;
}

export type StreamAction =
  | { type: 'watch'; streamId: string }
  | { type: 'event'; event: ChatSseEvent }
  | { type: 'stop-requested' }
  | { type: 'failed'; error: StreamError }
  | { type: 'reset' };

export const initialStreamState: StreamState = {
  streamId: null,
  sessionId: null,
  phase: 'idle',
  route: null,
  text: '',
  lastSeq: 0,
  pending: {},
  stopping: false,
  result: null,
  error: null,
};

export function isActivePhase(phase: StreamPhase): boolean {
  return phase === 'waiting' || phase === 'streaming';
}

/** Returns the same object when an action changes nothing, so React can skip the render. */
export function streamReducer(state: StreamState, action: StreamAction): StreamState {
  switch (action.type) {
    case 'watch':
      return { ...initialStreamState, streamId: action.streamId, phase: 'waiting' };
    case 'reset':
      return state.phase === 'idle' ? state : initialStreamState;
    case 'stop-requested':
      return isActivePhase(state.phase) && !state.stopping ? { ...state, stopping: true } : state;
    case 'failed':
      if (!isActivePhase(state.phase)) return state;
      return { ...state, phase: 'error', error: action.error, pending: {} };
    case 'event':
      return applyEvent(state, action.event);
  }
}

function applyEvent(state: StreamState, event: ChatSseEvent): StreamState {
  if (state.streamId === null || event.streamId !== state.streamId) return state;
  if (!isActivePhase(state.phase)) return state; // late or replayed events after the end change nothing
  switch (event.type) {
    case 'chat-stream-start':
      if (state.sessionId === event.sessionId && state.route === event.route) return state;
      return { ...state, sessionId: event.sessionId, route: event.route };
    case 'chat-stream-token':
      return applyToken(state, event.seq, event.token, event.sessionId);
    case 'chat-stream-complete':
      return {
        ...state,
        sessionId: event.sessionId,
        phase: 'complete',
        text: event.content,
        pending: {},
        stopping: false,
        result: stripType(event),
      };
    case 'chat-stream-error':
      return {
        ...state,
        sessionId: event.sessionId,
        phase: 'error',
        pending: {},
        stopping: false,
        error: { message: event.error, code: event.code, retryable: event.retryable },
      };
  }
}

function applyToken(state: StreamState, seq: number, token: string, sessionId: string): StreamState {
  if (seq <= state.lastSeq || seq in state.pending) return state; // already applied or already waiting
  if (seq > state.lastSeq + 1) {
    return { ...state, sessionId, pending: { ...state.pending, [seq]: token } };
  }
  let text = state.text + token;
  let lastSeq = seq;
  let pending = state.pending;
  const nextPending: Record<number, string> = { ...pending };
  let drained = false;
  while (nextPending[lastSeq + 1] !== undefined) {
    text += nextPending[lastSeq + 1];
    delete nextPending[lastSeq + 1];
    lastSeq += 1;
    drained = true;
  }
  if (drained) pending = nextPending;
  return { ...state, sessionId, phase: 'streaming', text, lastSeq, pending };
}

function stripType(
  event: Extract<ChatSseEvent, { type: 'chat-stream-complete' }>,
): ChatStreamCompletePayload {
  const { type: _type, ...payload } = event;
  return payload;
}
