/**
 * The fault matrix: for every network provider (HashiCorp Vault, AWS Secrets Manager, Azure Key
 * Vault, GCP Secret Manager) and every fault (HTTP 500, 403, 404, 429, a hang past the timeout, a
 * refused connection, a malformed body, an untrusted TLS certificate), over the real language
 * server with live checks on and `secretRefs.live.timeoutSeconds` = 1:
 * 1. the expected diagnostic (code, and a message naming the reason) is published within the
 *    provider's bound for the timeout plus a margin;
 * 2. meanwhile the server answers other requests (hover and completion on an offline document)
 *    without waiting on the fault, in particular while a request hangs: no later than a request
 *    that never waits for a secret manager (definition), sent with them, plus a small bound;
 * 3. once the fault is cleared and the cache reset (`secretRefs/resetCache`), the live result of
 *    the healthy secret (`unknown-key` for a key it lacks, nothing else) is seen again; for one
 *    transient fault per provider, without the reset: once the failure TTL (5 s) is over.
 * The four providers run in parallel, each with its own fake and server; a provider's cells run one
 * after the other. The observed matrix is printed as a Markdown table (t.diagnostic).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { CompletionItem, CompletionList, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { generateSelfSignedCert } from '../fakes/vault/selfSignedCert';
import { clearEnv } from '../helpers/envIsolation';
import { codes } from '../helpers/lspHarness';
import { NetworkGuard } from '../helpers/networkGuard';
import { LoopbackTrust } from './loopbackTrust';
import { FAULTS, PROVIDERS, RIGS, type MatrixFault, type Provider, type Rig } from './rigs';

const TIMEOUT_S = 1;
const TIMEOUT_MS = TIMEOUT_S * 1000;
/** Added to every bound: scheduling, SDK retries' backoff, and a loaded 2-core machine. */
const MARGIN_MS = 2500;
/**
 * How much later than the control request the probes may be answered. They need no secret
 * manager, so they come back with it; probes held up by the hanging request would come back when it
 * times out (1 s; AWS 2 s). The control absorbs stalls of this test process (four servers and
 * their SDKs share it, on a loaded machine).
 */
const PROBE_EXCESS_BOUND_MS = 400;
/** How long recovery may take once the fault is cleared and the cache reset. */
const RECOVERY_BOUND_MS = 5000;
/** The server keeps a failure 5 s (TtlCache), then checks again by itself. */
const FAILURE_TTL_MS = 5000;
/** Per provider, the transient fault it recovers from without a cache reset: after the failure TTL. */
const RECOVER_BY_TTL: Record<Provider, MatrixFault> = { hashicorp: 'hang', aws: '429', azure: 'refused', gcp: 'malformed' };

/**
 * Longest time to a diagnostic for a hang, per provider, as each documents its time bounds:
 * HashiCorp: one request of timeoutMs; AWS: 2 attempts, cut by a deadline of 2 × timeoutMs + 800 ms;
 * Azure: the per-call deadline policy (timeoutMs), backstopped at 2 × timeoutMs; GCP: a deadline of
 * timeoutMs + 500 ms.
 */
const HANG_BOUND_MS: Record<Provider, number> = {
  hashicorp: TIMEOUT_MS,
  aws: 2 * TIMEOUT_MS + 800,
  azure: 2 * TIMEOUT_MS,
  gcp: TIMEOUT_MS + 500,
};

/** What each fault must be reported as: the code, and what its message must name. */
const EXPECTED: Record<MatrixFault, { code: string; reason: RegExp }> = {
  '500': { code: 'vault-unreachable', reason: /\b500\b/ },
  '403': { code: 'permission-denied', reason: /denied/ },
  '404': { code: 'secret-not-found', reason: /has no secret/ },
  '429': { code: 'vault-unreachable', reason: /\b429\b/ },
  hang: { code: 'vault-unreachable', reason: new RegExp(`timed out after ${TIMEOUT_MS} ms`) },
  refused: { code: 'vault-unreachable', reason: /connection refused/ },
  malformed: { code: 'vault-unreachable', reason: /JSON|not what the API/ },
  tls: { code: 'vault-unreachable', reason: /\bTLS\b/ },
};

interface Cell {
  provider: Provider;
  fault: MatrixFault;
  code?: string;
  message?: string;
  ms?: number;
  probeMs?: number;
  /** How long the control request (definition, never waits for live facts) took, sent with the probes. */
  controlMs?: number;
  /** The probe went out while a request hung at the fake (hang cells). */
  probedDuringHang?: boolean;
  responsive?: boolean;
  recovered?: boolean;
  recoveryMs?: number;
  recoveredBy?: 'reset' | 'failure TTL';
  error?: string;
}

const cells: Cell[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `condition` every 10 ms for at most `ms`. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** `promise` and the time it took to settle. */
async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await promise;
  return { value, ms: Date.now() - started };
}

/**
 * Hover on the reference and completion of a new field in the offline connection, and, sent with
 * them, the control: definition on the same reference, which never waits for live facts.
 */
async function probe(rig: Rig): Promise<{ ms: number; controlMs: number; ok: boolean }> {
  const textDocument = { uri: rig.offlineUri };
  const position = { line: 5, character: 10 };
  const send = rig.harness.client.sendRequest.bind(rig.harness.client) as (method: string, params: unknown) => Promise<unknown>;
  const [hover, completion, control] = await Promise.all([
    timed(send('textDocument/hover', { textDocument, position }) as Promise<Hover | null>),
    timed(send('textDocument/completion', { textDocument, position: { line: 6, character: 0 } }) as Promise<CompletionList | CompletionItem[] | null>),
    timed(send('textDocument/definition', { textDocument, position })),
  ]);
  const items = Array.isArray(completion.value) ? completion.value : (completion.value?.items ?? []);
  return { ms: Math.max(hover.ms, completion.ms), controlMs: control.ms, ok: hover.value !== null && items.length > 0 };
}

async function runCell(t: TestContext, rig: Rig, fault: MatrixFault): Promise<void> {
  const cell: Cell = { provider: rig.provider, fault };
  cells.push(cell);
  const expected = EXPECTED[fault];
  const h = rig.harness;
  // Fault first, then the reset: the reads the new document starts must meet the fault.
  await rig.setFault(fault);
  await h.client.sendRequest('secretRefs/resetCache');
  rig.resetRequests();
  const uri = rig.nextUri();
  const started = Date.now();
  h.open(uri, rig.connection);
  try {
    const bound = (fault === 'hang' ? HANG_BOUND_MS[rig.provider] : 0) + MARGIN_MS;
    const matching = (d: Diagnostic[]) => d.find((x) => x.code === expected.code);
    const published = h.waitForDiagnostics(uri, (d) => matching(d) !== undefined, bound + 5000).then((d) => ({ d, ms: Date.now() - started }));
    published.catch(() => undefined);

    // 2. Responsiveness while the fault is active: for a hang, once a request hangs at the fake.
    if (fault === 'hang') await until(() => rig.hanging(), 3000);
    else await until(() => rig.requestCount() > 0 || h.diagnostics.get(uri)?.some((x) => x.code === expected.code) === true, 300);
    cell.probedDuringHang = fault === 'hang' ? rig.hanging() && !matching(h.diagnostics.get(uri) ?? []) : undefined;
    const p = await probe(rig);
    cell.probeMs = p.ms;
    cell.controlMs = p.controlMs;
    cell.responsive = p.ok && p.ms - p.controlMs < PROBE_EXCESS_BOUND_MS;

    // 1. The diagnostic, its reason and its time.
    let diagnostics: Diagnostic[];
    try {
      const got = await published;
      diagnostics = got.d;
      cell.ms = got.ms;
    } catch (e) {
      const last = h.diagnostics.get(uri) ?? [];
      cell.code = codes(last).join(', ') || '(none)';
      cell.message = last.map((x) => x.message).join(' | ');
      throw e;
    }
    const d = matching(diagnostics)!;
    cell.code = d.code as string;
    cell.message = d.message;
    t.diagnostic(`${rig.provider} ${fault}: ${d.code} in ${cell.ms} ms: ${d.message}`);
    assert.match(d.message, expected.reason, `the message names the reason`);
    assert.deepEqual(codes(diagnostics), [expected.code], 'one diagnostic, nothing else');
    assert.ok(cell.ms! <= bound, `published in ${cell.ms} ms, bound ${bound} ms`);
    if (fault === 'hang') {
      assert.ok(cell.ms! >= TIMEOUT_MS - 100, `a hang is reported once the timeout has passed, not before (${cell.ms} ms)`);
      assert.ok(cell.probedDuringHang, 'the probe went out while the request hung');
    }
    assert.ok(p.ok, 'the probes were answered with content');
    assert.ok(p.ms - p.controlMs < PROBE_EXCESS_BOUND_MS, `the probes were answered in ${p.ms} ms, the control in ${p.controlMs} ms`);

    // 3. Recovery: after a cache reset, or (one transient fault per provider) by itself once the
    // failure TTL is over, counted from when the failure was published.
    const byTtl = RECOVER_BY_TTL[rig.provider] === fault;
    cell.recoveredBy = byTtl ? 'failure TTL' : 'reset';
    await rig.clearFault();
    const clearedAt = Date.now();
    if (!byTtl) await h.client.sendRequest('secretRefs/resetCache');
    const recoveryBound = byTtl ? FAILURE_TTL_MS + MARGIN_MS : RECOVERY_BOUND_MS;
    try {
      await h.waitForDiagnostics(uri, (x) => codes(x).join() === 'unknown-key', recoveryBound);
      cell.recovered = true;
      cell.recoveryMs = Date.now() - clearedAt;
    } catch (e) {
      cell.recovered = false;
      throw e;
    }
  } catch (e) {
    cell.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw e;
  } finally {
    await rig.clearFault().catch(() => undefined);
    h.close(uri);
  }
}

/**
 * The healthy secret read live (`unknown-key` for the key it lacks). While SDKs load in parallel a
 * first read may overrun the 1 s timeout; it is retried after a cache reset.
 */
async function healthy(rig: Rig): Promise<void> {
  const uri = rig.nextUri();
  rig.harness.open(uri, rig.connection);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await rig.harness.waitForDiagnostics(uri, (d) => codes(d).join() === 'unknown-key', 5000);
        return;
      } catch (e) {
        if (attempt === 3) throw e;
        await rig.harness.client.sendRequest('secretRefs/resetCache');
      }
    }
  } finally {
    rig.harness.close(uri);
  }
}

/**
 * One untimed round through a failure and back, so that the first timed cell does not pay for
 * what the SDKs and the server do once (error paths loaded, clients rebuilt), all rigs at once.
 */
async function warmUp(rig: Rig): Promise<void> {
  await rig.setFault('500');
  await rig.harness.client.sendRequest('secretRefs/resetCache');
  const uri = rig.nextUri();
  rig.harness.open(uri, rig.connection);
  try {
    await rig.harness.waitForDiagnostics(uri, (d) => codes(d).includes('vault-unreachable'), 8000).catch(() => undefined);
  } finally {
    await rig.clearFault();
    rig.harness.close(uri);
  }
  await healthy(rig);
}

function table(): string {
  const rows = ['| provider | fault | diagnostic | time to diagnostic | responsive (probe) | recovered |', '|---|---|---|---|---|---|'];
  for (const provider of PROVIDERS) {
    for (const fault of FAULTS) {
      const c = cells.find((x) => x.provider === provider && x.fault === fault);
      if (!c) {
        rows.push(`| ${provider} | ${fault} | not run | | | |`);
        continue;
      }
      const code = c.code ?? '—';
      const ms = c.ms !== undefined ? `${c.ms} ms` : '—';
      const responsive =
        c.responsive === undefined ? '—' : `${c.responsive ? 'yes' : 'no'} (${c.probeMs} ms, control ${c.controlMs} ms${c.probedDuringHang ? ', during the hang' : ''})`;
      const recovered = c.recovered === undefined ? '—' : c.recovered ? `yes (${c.recoveredBy}, ${c.recoveryMs} ms)` : `no (${c.recoveredBy})`;
      rows.push(`| ${provider} | ${fault} | ${code} | ${ms} | ${responsive} | ${recovered} |`);
    }
  }
  return rows.join('\n');
}

describe('fault matrix: provider × fault over the language server', () => {
  const guard = new NetworkGuard();
  const pair = generateSelfSignedCert();
  let trust: LoopbackTrust | undefined;
  const started = Date.now();

  before(() => {
    // Nothing of the developer's cloud setup (credentials, endpoints, proxies) reaches the SDKs.
    clearEnv(/^(AWS_|AZURE_|GOOGLE_|GCLOUD_|CLOUDSDK_|VAULT_|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$|ALL_PROXY$|all_proxy$)/);
    guard.install();
    if (pair) {
      trust = new LoopbackTrust(pair.cert);
      trust.install();
    }
  });

  after(() => {
    trust?.uninstall();
    guard.uninstall();
  });

  describe('every provider in parallel, its faults in turn', { concurrency: true }, () => {
    const rigs = new Map<Provider, Rig>();

    before(async () => {
      if (!pair) return;
      // All rigs start, load their SDK, read the healthy secret live and go once through a failure
      // and back before any cell is timed.
      await Promise.all(
        PROVIDERS.map(async (provider) => {
          const rig = await RIGS[provider]({ timeoutSeconds: TIMEOUT_S, pair, trust: trust! });
          rigs.set(provider, rig);
          await healthy(rig);
          await warmUp(rig);
        }),
      );
    });

    after(async () => {
      await Promise.all([...rigs.values()].map((rig) => rig.dispose()));
    });

    for (const provider of PROVIDERS) {
      it(provider, { skip: pair ? false : 'the openssl CLI is needed for the certificates' }, async (t) => {
        const rig = rigs.get(provider)!;
        for (const fault of FAULTS) await t.test(fault, (tt) => runCell(tt, rig, fault));
      });
    }
  });

  it('observed matrix (Markdown), with no connection beyond loopback', { skip: !pair }, (t) => {
    t.diagnostic(`\n${table()}\n\nfault matrix: ${Date.now() - started} ms`);
    assert.deepEqual(guard.violations, [], 'no connection left the machine');
    assert.equal(cells.length, PROVIDERS.length * FAULTS.length, 'every cell ran');
  });
});
