import type { Usage } from '@classchat/contracts';
import { formatDate } from '../ui/format.js';
import { Meter } from '../ui/Meter.js';

/** The api's words for the limit (its 403), with the plan's monthly number. */
export function freeLimitMessage(limit: number): string {
  return `Free plan limit reached (${limit} chats/month). Upgrade to premium for unlimited chats.`;
}

export const FREE_LIMIT_MESSAGE = freeLimitMessage(25);

/**
 * What premium is and how to get it: there is no payment in the product, the operator switches an
 * account (`npm run admin -- plan <email> premium`) and the open pages follow at once.
 */
export const PREMIUM_HOW =
  'Premium means no monthly limit on chats. There is no payment in Class Chat: ask the person who runs it for you (your teacher or administrator) to switch your account to premium. It takes effect at once, without reloading.';

export function isAtLimit(usage: Usage | null): boolean {
  return !!usage && usage.limit !== null && usage.used >= usage.limit;
}

/**
 * Free plan: "12 of 25 chats this month · resets 1 Dec", and a note when the latest answer was free
 * (`lastAnswerFree`: it found nothing in the material); premium: unlimited.
 */
export function UsageMeter({
  usage,
  lastAnswerFree = false,
}: {
  usage: Usage | null;
  lastAnswerFree?: boolean;
}) {
  if (!usage) return null;
  if (usage.limit === null) {
    return (
      <div className="meter" data-testid="usage-meter">
        <p className="meter__text">
          <span className="badge badge--accent">Premium</span> Unlimited chats
        </p>
      </div>
    );
  }
  const atLimit = isAtLimit(usage);
  const resets = formatDate(usage.resetsAt, { day: 'numeric', month: 'short' });
  return (
    <Meter
      testId="usage"
      label="Free plan"
      count={`${usage.used} / ${usage.limit} chats`}
      value={usage.used / usage.limit}
      barLabel="Chats used this month"
      tone={atLimit ? 'danger' : 'accent'}
      full={atLimit}
    >
      <p className="meter__text">{atLimit ? `Limit reached · resets ${resets}` : `Resets ${resets}`}</p>
      {lastAnswerFree && (
        <p className="meter__text usage__free" data-testid="usage-free-note">
          The last answer was free: nothing in your material answered it.
        </p>
      )}
    </Meter>
  );
}
