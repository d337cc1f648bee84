/**
 * Whether two answers ever ran at once in one chat session, from the apis' own logs: an answer runs
 * from its `stream started` line (written once its session is claimed and its stream registered) to
 * its `stream completed` line (written whatever its status). With several apis this is the check that
 * does not depend on what a lagging client has seen yet. The completed line's `durationMs` counts from
 * the request's arrival, which under load can be seconds before the claim: it is not the start.
 */
import { readFileSync } from 'node:fs';

/** Log lines are stamped in ms and an answer's claim is released just before its line is written. */
const TOLERANCE_MS = 50;

interface Answer {
  start: number;
  end: number;
}

interface LogLine {
  time: number;
  msg?: string;
  sessionId?: string;
  streamId?: string;
}

function answersBySession(logPaths: string[]): Map<string, Answer[]> {
  const started = new Map<string, number>();
  const completed: LogLine[] = [];
  for (const path of logPaths) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.includes('"msg":"stream started"') && !line.includes('"msg":"stream completed"')) continue;
      const l = JSON.parse(line) as LogLine;
      if (!l.sessionId || !l.streamId) continue;
      if (l.msg === 'stream started') started.set(l.streamId, l.time);
      else completed.push(l);
    }
  }
  const bySession = new Map<string, Answer[]>();
  for (const l of completed) {
    const start = started.get(l.streamId!);
    if (start === undefined) continue;
    const answers = bySession.get(l.sessionId!) ?? [];
    answers.push({ start, end: l.time });
    bySession.set(l.sessionId!, answers);
  }
  return bySession;
}

/** Answers seen, and sessions in which one answer started while another was still running. */
export function sessionOverlaps(logPaths: string[]): {
  answers: number;
  sessions: number;
  overlapping: number;
} {
  const bySession = answersBySession(logPaths);
  let answers = 0;
  let overlapping = 0;
  for (const list of bySession.values()) {
    answers += list.length;
    list.sort((a, b) => a.start - b.start);
    let runningUntil = -Infinity;
    let overlaps = false;
    for (const a of list) {
      if (a.start < runningUntil - TOLERANCE_MS) overlaps = true;
      runningUntil = Math.max(runningUntil, a.end);
    }
    if (overlaps) overlapping++;
  }
  return { answers, sessions: bySession.size, overlapping };
}
