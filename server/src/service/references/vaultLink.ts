import { parseAddress } from '../../../../shared/src/addresses';
import type { VaultFact, VaultSet } from '../facts/vaults';
import type { VaultLink } from '../formats/facts';
import type { Located, Span } from '../model/types';

/** The vault a link resolves to, and the name (with the place that names it) messages use. */
export interface LinkedVault {
  /** The one vault configuration the link names; undefined when none or several match. */
  vault: VaultFact | undefined;
  /** The vault's name as written (`name`), else the matched configuration's name, shown where the link stands. */
  vaultName: Located<string>;
}

/** The vault configuration of this name, when exactly one exists in the folder. */
export function lookupVault(vaults: VaultSet, name: string): VaultFact | undefined {
  const found = vaults.byName.get(name);
  return found && found.length === 1 ? found[0] : undefined;
}

/** An address compared as a request would go: parsed origin and path, else the text as written. */
function normalisedAddress(address: string): string {
  const parsed = parseAddress(address);
  return parsed.ok ? parsed.url : address.trim();
}

function only(candidates: readonly VaultFact[]): VaultFact | undefined {
  return candidates.length === 1 ? candidates[0] : undefined;
}

function allVaults(vaults: VaultSet): VaultFact[] {
  return [...vaults.byName.values()].flat();
}

/**
 * Resolves a link: by name (the one configuration of that name), by address (the one whose
 * address is the same once normalised), or unlinked (the folder's only HashiCorp vault).
 */
export function resolveVaultLink(link: VaultLink, vaults: VaultSet): LinkedVault {
  switch (link.by) {
    case 'name':
      return { vault: lookupVault(vaults, link.name.value), vaultName: link.name };
    case 'address': {
      const wanted = normalisedAddress(link.address.value);
      const vault = only(allVaults(vaults).filter((v) => v.address !== undefined && normalisedAddress(v.address) === wanted));
      return { vault, vaultName: { value: vault?.name ?? link.address.value, span: link.address.span } };
    }
    case 'unlinked': {
      const vault = only(allVaults(vaults).filter((v) => v.provider === 'hashicorp'));
      return { vault, vaultName: { value: vault?.name ?? '', span: link.span } };
    }
  }
}

/**
 * The link as written, for a secret's identity in the folder (`linkKey|path`): the same in every
 * document that names the vault the same way, known without the vault configurations.
 */
export function linkKey(link: VaultLink): string {
  switch (link.by) {
    case 'name':
      return link.name.value;
    case 'address':
      return normalisedAddress(link.address.value);
    case 'unlinked':
      return '';
  }
}

/** Where the link stands in the document. */
export function linkSpan(link: VaultLink): Span {
  switch (link.by) {
    case 'name':
      return link.name.span;
    case 'address':
      return link.address.span;
    case 'unlinked':
      return link.span;
  }
}
