/**
 * Whether two answers ever ran at once in one chat session, from the apis' own logs: every answer
 * ends with one `stream completed` line (its session, end time and duration, whatever its status).
 * With several apis this is the check that does not depend on what a lagging client has seen yet.
 */
import { readFileSync } from 'node:fs';

/** Log lines are stamped in ms and an answer's claim is released just before its line is written. */
const TOLERANCE_MS = 50;

interface Answer {
  start: number;
  end: number;
}

function answersBySession(logPaths: string[]): Map<string, Answer[]> {
  const bySession = new Map<string, Answer[]>();
  for (const path of logPaths) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.includes('"msg":"stream completed"')) continue;
      const l = JSON.parse(line) as { time: number; sessionId?: string; durationMs?: number };
      if (!l.sessionId || l.durationMs === undefined) continue;
      const answers = bySession.get(l.sessionId) ?? [];
      answers.push({ start: l.time - l.durationMs, end: l.time });
      bySession.set(l.sessionId, answers);
    }
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
