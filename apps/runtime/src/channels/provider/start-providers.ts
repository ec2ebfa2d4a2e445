// The official channels a process serves, composed once for main.ts and the test harnesses: the
// Cloud API's and Twilio's numbers, each through its ProviderNumbers.
import type { GraphConfig } from '@waflow/channel/cloud-api';
import type { TwilioConfig } from '@waflow/channel/twilio';
import { cloudApiProvider } from '../cloud-api/cloud-api-channel.ts';
import { twilioProvider } from '../twilio/twilio-channel.ts';
import { ProviderNumbers, type ProviderNumbersOptions } from './provider-numbers.ts';

export interface Providers {
  cloudApi: ProviderNumbers;
  twilio: ProviderNumbers;
  stop(): Promise<void>;
}

export async function startProviders(
  opts: ProviderNumbersOptions & {
    graph: GraphConfig;
    twilio: TwilioConfig;
    /** Where a Twilio send asks for its statuses (undefined: no public URL to reach us at). */
    twilioStatusUrl: (numberId: string) => string | undefined;
  },
): Promise<Providers> {
  const { graph, twilio: twilioConfig, twilioStatusUrl, ...options } = opts;
  const cloudApi = new ProviderNumbers(cloudApiProvider(graph), options);
  const twilio = new ProviderNumbers(twilioProvider(twilioConfig, twilioStatusUrl), options);
  await cloudApi.start();
  await twilio.start();
  return {
    cloudApi,
    twilio,
    stop: async () => {
      await cloudApi.stop();
      await twilio.stop();
    },
  };
}
