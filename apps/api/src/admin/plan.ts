import { Email, INTERNAL_TOKEN_HEADER, Plan } from '@classchat/contracts';
import type { Repositories } from '@classchat/db';
import { AdminInputError } from './reingest.js';

export interface PlanChange {
  email: string;
  plan: Plan;
}

/** `plan <email> <free|premium>`: the two positionals, checked. */
export function parsePlanArgs(args: readonly string[]): PlanChange {
  if (args.length !== 2)
    throw new AdminInputError('plan needs an email and a plan: plan <email> <free|premium>');
  const email = Email.safeParse(args[0]);
  if (!email.success) throw new AdminInputError(`not an email address: ${args[0]}`);
  const plan = Plan.safeParse(args[1]);
  if (!plan.success) throw new AdminInputError(`a plan is "free" or "premium", not "${args[1]}"`);
  return { email: email.data, plan: plan.data };
}

/**
 * Sets the user's plan, then asks the running api to tell the user's open tabs (their meter and
 * notice change at once). Answers the exit code: 1 when no account has that email.
 */
export async function changePlan(
  deps: {
    repos: Pick<Repositories, 'users'>;
    apiUrl: string;
    internalToken: string;
    out: (line: string) => void;
    err: (line: string) => void;
  },
  change: PlanChange,
): Promise<number> {
  const user = await deps.repos.users.findByEmail(change.email);
  if (!user) {
    deps.err(`no account with the email ${change.email}`);
    return 1;
  }
  await deps.repos.users.setPlan(user.id, change.plan);
  deps.out(`${change.email} is now on the ${change.plan} plan (was ${user.plan}).`);
  const url = new URL(`/api/v1/internal/users/${user.id}/account-changed`, deps.apiUrl);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { [INTERNAL_TOKEN_HEADER]: deps.internalToken },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`the api answered ${res.status}`);
    deps.out('Their open tabs show it now.');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    deps.out(`Their open tabs show it after a reload (the api at ${deps.apiUrl} was not told: ${why}).`);
  }
  return 0;
}
