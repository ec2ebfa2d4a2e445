import { describe, expect, it } from 'vitest';
import { defaultLimits, readLimits } from './limits.ts';

describe('readLimits', () => {
  it('takes each limit from its variable, else its default', () => {
    const problems: string[] = [];
    expect(
      readLimits(
        { WAFLOW_MAX_WEBHOOK_ENDPOINTS: '5', WAFLOW_API_DESTINATION_RATE_PER_MIN: ' 30 ' },
        problems,
      ),
    ).toEqual({ ...defaultLimits, maxWebhookEndpoints: 5, destinationPerMin: 30 });
    expect(problems).toEqual([]);
  });

  it('says which variable is wrong and what it must be', () => {
    const problems: string[] = [];
    readLimits(
      { WAFLOW_MAX_WEBHOOK_ENDPOINTS: '0', WAFLOW_API_KEY_RATE_PER_MIN: 'lots' },
      problems,
    );
    expect(problems).toEqual([
      'WAFLOW_MAX_WEBHOOK_ENDPOINTS must be a whole number from 1 to 1000000 (default 20), not "0"',
      'WAFLOW_API_KEY_RATE_PER_MIN must be a whole number from 1 to 1000000 (default 120), not "lots"',
    ]);
  });

  it('keeps blocks per flow within the flow schema’s ceiling of 20,000', () => {
    const problems: string[] = [];
    expect(readLimits({ WAFLOW_MAX_FLOW_BLOCKS: '5000' }, problems).maxFlowBlocks).toBe(5000);
    readLimits({ WAFLOW_MAX_FLOW_BLOCKS: '30000' }, problems);
    expect(problems).toEqual([
      'WAFLOW_MAX_FLOW_BLOCKS must be a whole number from 1 to 20000 (default 2000), not "30000"',
    ]);
  });
});
