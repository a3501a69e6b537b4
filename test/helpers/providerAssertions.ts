/** Assertion helpers shared by the provider tests (test/providers). */
import { strict as assert } from 'node:assert';
import { ProviderError } from '../../server/src/providers/secretProvider';

/** The ProviderError `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to reject');
}

/** The value of `promise` with how long it took to settle (ms). */
export async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await promise;
  return { value, ms: Date.now() - start };
}
