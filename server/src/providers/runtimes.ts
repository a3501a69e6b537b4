/**
 * The server part of every provider's descriptor, by provider id: the compiler asks for one for
 * each descriptor in shared/src/providers.
 */
import { providerDescriptors, type ProviderId } from '../../../shared/src/providers';
import type { ProviderDescriptor } from '../../../shared/src/providers/descriptor';
import { awsRuntime } from './aws/descriptor';
import { azureRuntime } from './azure/descriptor';
import { gcpRuntime } from './gcp/descriptor';
import { hashicorpRuntime } from './hashicorp/descriptor';
import { localRuntime } from './local/descriptor';
import type { ProviderRuntime } from './providerRuntime';

const runtimes: { readonly [Id in ProviderId]: ProviderRuntime } = {
  hashicorp: hashicorpRuntime,
  aws: awsRuntime,
  azure: azureRuntime,
  gcp: gcpRuntime,
  local: localRuntime,
};

/** A provider's server part together with its descriptor. */
export type ServerProvider = ProviderRuntime & { descriptor: ProviderDescriptor<ProviderId> };

const byId: ReadonlyMap<string, ServerProvider> = new Map(providerDescriptors.map((descriptor) => [descriptor.id, { ...runtimes[descriptor.id], descriptor }]));

/** A provider's descriptor with its server part; undefined for an unknown or missing `provider:`. */
export function providerRuntime(id: string | undefined): ServerProvider | undefined {
  return id === undefined ? undefined : byId.get(id);
}
