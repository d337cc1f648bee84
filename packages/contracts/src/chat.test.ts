import { describe, expect, it } from 'vitest';
import { ChatNewBody } from './chat.js';

const classId = '6f1c1c2e-8a4b-4c55-9a43-1f7a5b3e2d10';

describe('POST chat/new body', () => {
  it("accepts the seed's class_name as an alias of classId and 'null' strings as absent", () => {
    const body = ChatNewBody.parse({ message: ' hi ', class_name: classId, docId: 'null' });
    expect(body).toMatchObject({ message: 'hi', classId, docId: null, retry: false, ephemeral: false });
  });

  it('requires a message unless retrying, and a session to retry', () => {
    expect(ChatNewBody.safeParse({ message: '   ' }).success).toBe(false);
    expect(ChatNewBody.safeParse({ retry: true }).success).toBe(false);
    expect(ChatNewBody.safeParse({ retry: true, chatSessionId: classId }).success).toBe(true);
  });
});
