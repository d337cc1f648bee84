import type { AnswerModel, ModelEvent, ModelReceiver, ModelRequest } from '../model.js';
import {
  generate,
  HeldText,
  nothingWritten,
  type GenerateOptions,
  type TokenEvent,
  type Written,
} from './generate.js';

/**
 * Takes one `token` event now. A promise back means the reader is behind: no more until it resolves
 * (the model's stream is paused meanwhile).
 */
export type TokenSink = (event: TokenEvent) => Promise<void> | undefined;

/**
 * `generate` for a reader that takes events as they come: the same `token` events, merge rule and
 * ends, handed to `send` instead of yielded. A model that pushes (`AnswerModel.push`) hands each read
 * of its stream over from the stream's own callback, and the events leave from there: no promise or
 * generator step per token on the way. Other models (offline, fixed texts) are iterated through
 * `generate`. Resolves with `written` once the model is done; an abort throws the signal's reason; a
 * model that fails throws its error after the text it wrote before is sent.
 */
export async function sendTokens(
  model: AnswerModel,
  request: ModelRequest,
  options: GenerateOptions,
  send: TokenSink,
  written: Written = nothingWritten(),
): Promise<Written> {
  if (!model.push) {
    for await (const event of generate(model, request, options, written)) await send(event);
    return written;
  }
  const held = new HeldText(written, options);
  const flow = tokenFlow(held, written, options, send);
  try {
    await model.push(request, options.signal, flow.receive);
  } catch (err) {
    // The text the model wrote before it failed is the student's, like the tokens sent before.
    if (held.count > 0 && !options.signal.aborted) void send(held.take());
    throw err;
  } finally {
    flow.stop();
  }
  if (options.signal.aborted) throw options.signal.reason;
  // The reader's backpressure is left to the event after this one (the pipeline's next event awaits it).
  if (held.count > 0) void send(held.take());
  return written;
}

/**
 * The receiver of the model's reads: text is held until due, then sent (the rule of `generate` for
 * a batch, since a read says nothing more is ready): at once when `coalesceMs` is 0, at `coalesceMs`
 * after the previous event otherwise (one timer), every `chunkSize` tokens as read when `off`.
 */
function tokenFlow(
  held: HeldText,
  written: Written,
  options: GenerateOptions,
  send: TokenSink,
): { receive: ModelReceiver; stop: () => void } {
  const coalesceMs = options.coalesceMs ?? 0;
  const { chunkSize } = options;
  /** Pending while the reader is behind; returned to the model, which pauses until it settles. */
  let blocked: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const sendHeld = () => {
    const wait = send(held.take());
    if (!wait) return;
    const behind: Promise<void> = wait.then(() => {
      if (blocked === behind) blocked = undefined;
    });
    blocked = behind;
  };
  const onDue = () => {
    timer = undefined;
    if (held.count >= chunkSize) sendHeld();
  };
  const receive = (events: readonly ModelEvent[]) => {
    for (const event of events) {
      if (event.type === 'usage') written.usage = event.usage;
      else held.add(event.text);
      if (coalesceMs === 'off' && held.count >= chunkSize) sendHeld();
    }
    if (coalesceMs !== 'off' && held.count >= chunkSize && timer === undefined) {
      const dueInMs = coalesceMs - held.sinceSent();
      if (dueInMs <= 0) sendHeld();
      else timer = setTimeout(onDue, dueInMs);
    }
    return blocked;
  };
  return { receive, stop: () => clearTimeout(timer) };
}
