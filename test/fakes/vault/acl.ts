/**
 * Vault-style ACL evaluation for the fake Vault: policy paths with a trailing `*` glob and `+`
 * single-segment wildcards; when several rules match, the most specific one wins (Vault's
 * documented priority order) and `deny` on the winning rule removes every capability.
 */

export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

export interface PolicyRule {
  /** Vault policy path, e.g. `secret/data/*`, `secret/+/team/*`, `sys/mounts`. */
  path: string;
  capabilities: Capability[];
}

const ORDER: Capability[] = ['create', 'delete', 'deny', 'list', 'patch', 'read', 'sudo', 'update'];

interface CompiledRule {
  pattern: string;
  capabilities: Set<Capability>;
  glob: boolean;
  plusCount: number;
  /** Index of the first `+` or `*`; Infinity for an exact path. */
  firstWildcard: number;
  /** Pattern without the trailing `*`, split on `/`. */
  segments: string[];
  regex: RegExp | undefined;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileRule(pattern: string, capabilities: Set<Capability>): CompiledRule {
  const glob = pattern.endsWith('*');
  const base = glob ? pattern.slice(0, -1) : pattern;
  const segments = base.split('/');
  const plusCount = segments.filter((s) => s === '+').length;
  const plusAt = segments.findIndex((s) => s === '+');
  let firstWildcard = Infinity;
  if (plusAt >= 0) firstWildcard = segments.slice(0, plusAt).join('/').length + (plusAt > 0 ? 1 : 0);
  if (glob) firstWildcard = Math.min(firstWildcard, base.length);
  const regex =
    plusCount > 0
      ? new RegExp('^' + segments.map((s) => (s === '+' ? '[^/]*' : escapeRegex(s))).join('/') + (glob ? '' : '$'))
      : undefined;
  return { pattern, capabilities, glob, plusCount, firstWildcard, segments, regex };
}

function ruleMatches(rule: CompiledRule, path: string): boolean {
  if (rule.regex) return rule.regex.test(path);
  const base = rule.segments.join('/');
  return rule.glob ? path.startsWith(base) : path === base;
}

/** True when `a` has lower priority than `b` (Vault's documented tie-break rules). */
function lowerPriority(a: CompiledRule, b: CompiledRule): boolean {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard < b.firstWildcard;
  if (a.glob !== b.glob) return a.glob;
  if (a.plusCount !== b.plusCount) return a.plusCount > b.plusCount;
  if (a.pattern.length !== b.pattern.length) return a.pattern.length < b.pattern.length;
  return a.pattern < b.pattern;
}

export class Acl {
  private readonly rules: CompiledRule[];

  constructor(
    rules: PolicyRule[],
    readonly root = false,
  ) {
    // Rules with the same path string across a token's policies are merged (union of capabilities).
    const merged = new Map<string, Set<Capability>>();
    for (const r of rules) {
      const set = merged.get(r.path) ?? new Set<Capability>();
      for (const c of r.capabilities) set.add(c);
      merged.set(r.path, set);
    }
    this.rules = [...merged].map(([pattern, caps]) => compileRule(pattern, caps));
  }

  private winner(path: string): CompiledRule | undefined {
    let best: CompiledRule | undefined;
    for (const rule of this.rules) {
      if (!ruleMatches(rule, path)) continue;
      if (!best || lowerPriority(best, rule)) best = rule;
    }
    return best;
  }

  /** Capabilities on `path`, sorted like Vault; `['root']` for a root token, `['deny']` when none. */
  capabilities(path: string): string[] {
    if (this.root) return ['root'];
    const rule = this.winner(path);
    if (!rule || rule.capabilities.has('deny') || rule.capabilities.size === 0) return ['deny'];
    return ORDER.filter((c) => rule.capabilities.has(c));
  }

  allows(path: string, capability: Capability): boolean {
    if (this.root) return true;
    const rule = this.winner(path);
    return !!rule && !rule.capabilities.has('deny') && rule.capabilities.has(capability);
  }

  /**
   * Vault's "has mount access" test used by sys/internal/ui/mounts: some non-deny capability on the
   * mount path itself, or on any rule that lives under the mount (or whose wildcards can reach it).
   */
  hasMountAccess(mountPath: string): boolean {
    if (this.root) return true;
    if (this.capabilities(mountPath)[0] !== 'deny') return true;
    const mountSegs = mountPath.replace(/\/$/, '').split('/');
    for (const rule of this.rules) {
      if (rule.capabilities.has('deny') || rule.capabilities.size === 0) continue;
      const base = rule.segments.join('/');
      if (rule.plusCount === 0) {
        if (base.startsWith(mountPath)) return true;
        continue;
      }
      let ok = rule.segments.length >= mountSegs.length || rule.glob;
      for (let i = 0; ok && i < mountSegs.length; i++) {
        const seg = rule.segments[i];
        if (seg === undefined) break;
        const last = i === rule.segments.length - 1;
        ok = seg === '+' || seg === mountSegs[i] || (last && rule.glob && mountSegs[i]!.startsWith(seg));
      }
      if (ok) return true;
    }
    return false;
  }
}
