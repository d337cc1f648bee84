import { describe, expect, it } from 'vitest';
import { quotaExceededMessage } from './chat-quota.js';

describe('quotaExceededMessage', () => {
  it('is the product text with the configured limit', () => {
    expect(quotaExceededMessage(25)).toBe(
      'Free plan limit reached (25 chats/month). Upgrade to premium for unlimited chats.',
    );
    expect(quotaExceededMessage(3)).toContain('(3 chats/month)');
  });
});
