import { startStack, type Stack } from '@classchat/testkit';
import { signup, type TestUser } from './api-client.js';

/** A stack without a model, with Alice and Bob signed up: for what one user may do to the other's things. */
export async function startStackWithAliceAndBob(): Promise<{ stack: Stack; alice: TestUser; bob: TestUser }> {
  const stack = await startStack({ model: 'offline' });
  try {
    const [alice, bob] = await Promise.all([signup(stack.apiUrl, 'Alice'), signup(stack.apiUrl, 'Bob')]);
    return { stack, alice, bob };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
