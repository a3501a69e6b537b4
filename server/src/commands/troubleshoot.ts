import type { TroubleshootResult, TroubleshootStep } from '../../../shared/src/customMessages';
import { providerDescriptor } from '../../../shared/src/providers';
import { vaultAddress } from '../live/providerRegistry';
import { describeFailure, vaultByUri, type CommandContext } from './context';

function minutes(seconds: number): string {
  return seconds >= 3600 ? `${Math.round(seconds / 360) / 10} h` : `${Math.max(1, Math.round(seconds / 60))} min`;
}

/** The checks the seeds describe, step by step: configuration, access, reachability and TLS, authentication, token TTL, engines, capabilities. */
export async function troubleshoot(ctx: CommandContext, vaultUri: string, env: NodeJS.ProcessEnv): Promise<TroubleshootResult> {
  const vault = vaultByUri(ctx, vaultUri);
  if (!vault) return { vault: '', steps: [{ name: 'Configuration', status: 'error', detail: 'No vault configuration at this URI.' }] };
  const steps: TroubleshootStep[] = [];
  const add = (name: string, status: TroubleshootStep['status'], detail: string) => steps.push({ name, status, detail });
  const descriptor = providerDescriptor(vault.provider);
  const address = vaultAddress(vault, env);
  add('Configuration', vault.enabled ? 'ok' : 'error', `${vault.provider ?? 'unknown provider'}${address ? ` at ${address}` : ''}${vault.namespace ? `, namespace ${vault.namespace}` : ''}${vault.enabled ? '' : ' — disabled (enabled: false)'}`);
  if (!vault.enabled) return { vault: vault.name, steps };
  if (descriptor?.missingAddress && !address) {
    add('Address', 'error', descriptor.missingAddress);
    return { vault: vault.name, steps };
  }
  const live = ctx.live();
  const entry = live ? await live.providerFor(vault) : undefined;
  const access = live ? live.access(vault) : 'off';
  if (!entry) {
    const why: Record<string, string> = {
      'no-credentials': 'No credential: run "Secret References: Sign In..." or set the provider\'s environment variables.',
      untrusted: 'The workspace is not trusted: no secret manager is contacted.',
      'untrusted-address': `The address ${ctx.live()?.untrustedAddress(vault) ?? ''} is not trusted, so the credential from the environment was not sent. Trust it with --trust-address, SECRETREFS_TRUSTED_ADDRESSES or the trustedAddresses initialization option.`,
      off: 'Live checks are off (secretRefs.live.enabled).',
      unsupported: 'Live checks are not available for this provider yet.',
      failed: 'The provider could not be set up; see the output channel.',
    };
    add('Credentials', 'error', why[access] ?? `No live access (${access}).`);
    return { vault: vault.name, steps };
  }
  add('Credentials', 'ok', 'A credential is available.');
  const provider = entry.provider;
  if (provider.tokenInfo) {
    try {
      const info = await provider.tokenInfo();
      add('Reachable, TLS and authenticated', 'ok', `Vault answered; the token is valid (policies: ${info.policies.join(', ') || 'none'}).`);
      const ttl = info.ttlSeconds;
      add('Token TTL', ttl === 0 ? 'ok' : ttl < 600 ? 'warning' : 'ok', ttl === 0 ? 'The token does not expire.' : `Expires in ${minutes(ttl)}${info.renewable ? ', renewable' : ', not renewable'}.`);
    } catch (error) {
      add('Reachable, TLS and authenticated', 'error', describeFailure(error));
      return { vault: vault.name, steps };
    }
  } else {
    try {
      await provider.list(undefined, '');
      add('Reachable and authenticated', 'ok', 'The secret manager answered a listing.');
    } catch (error) {
      add('Reachable and authenticated', 'error', describeFailure(error));
      return { vault: vault.name, steps };
    }
  }
  const folder = ctx.index.allVaults().find((v) => v.fact === vault)?.folder ?? '';
  const attached = ctx.index.attachedSecrets(folder, vault.name);
  if (descriptor?.hasEngines && provider.mountInfo) {
    const engines = new Set([...(vault.engines ?? []).map((e) => e.path), ...attached.flatMap((a) => (a.engine ? [a.engine.replace(/^\/+|\/+$/g, '')] : []))]);
    for (const engine of engines) {
      try {
        const m = await provider.mountInfo(engine);
        const declared = vault.engines?.find((e) => e.path === engine)?.kvVersion;
        if (!m.mounted) add(`Engine ${engine}`, 'error', `Not mounted${m.enclosingMount ? ` (it lies inside ${m.enclosingMount})` : ''}.`);
        else {
          const actual = m.type === 'kv' ? `KV v${m.kvVersion ?? 1}` : `${m.type ?? 'unknown'} engine`;
          const mismatch = declared !== undefined && declared !== m.kvVersion;
          add(`Engine ${engine}`, mismatch ? 'warning' : 'ok', `${actual}${declared ? ` (declared KV v${declared}${mismatch ? ': the declaration is wrong' : ''})` : ''}.`);
        }
      } catch (error) {
        add(`Engine ${engine}`, 'warning', describeFailure(error));
      }
    }
    for (const a of attached) {
      if (!a.engine || !a.path) continue;
      const apiPath = `${a.engine.replace(/^\/+|\/+$/g, '')}/${a.path.replace(/^\/+/, '')}`;
      try {
        const caps = await provider.capabilities(apiPath);
        const readable = caps.includes('read') || caps.includes('root');
        add(`Capabilities on ${apiPath}`, readable ? 'ok' : 'error', `${caps.join(', ') || 'none'}${readable ? '' : `. Grant read with: path "${apiPath}" { capabilities = ["read"] }`}`);
      } catch (error) {
        add(`Capabilities on ${apiPath}`, 'warning', describeFailure(error));
      }
    }
  } else {
    for (const a of attached) {
      if (!a.secret) continue;
      try {
        await provider.metadata({ path: a.secret });
        add(`Secret ${a.secret}`, 'ok', 'Exists and its metadata is readable.');
      } catch (error) {
        add(`Secret ${a.secret}`, 'error', describeFailure(error));
      }
    }
  }
  return { vault: vault.name, steps };
}
