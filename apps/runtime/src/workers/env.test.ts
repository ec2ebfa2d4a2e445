import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_MULTI_PROCESS_ARGS } from '../channels/whatsapp/chromium.ts';
import { readWorkerEnv } from './env.ts';
import { readHostLease } from '@waflow/db';
import { workerEnvFromProcess } from './supervise.ts';

const base = {
  WAFLOW_NUMBER_ID: '00000000-0000-4000-8000-000000000001',
  DATABASE_URL: 'postgres://x@127.0.0.1/db',
};

describe('the worker environment', () => {
  it('runs Chromium in one process unless WAFLOW_CHROMIUM_SINGLE_PROCESS=off', () => {
    expect(readWorkerEnv(base).chromiumSingleProcess).toBe(true);
    expect(
      readWorkerEnv({ ...base, WAFLOW_CHROMIUM_SINGLE_PROCESS: 'on' }).chromiumSingleProcess,
    ).toBe(true);
    expect(
      readWorkerEnv({ ...base, WAFLOW_CHROMIUM_SINGLE_PROCESS: 'off' }).chromiumSingleProcess,
    ).toBe(false);
    expect(() => readWorkerEnv({ ...base, WAFLOW_CHROMIUM_SINGLE_PROCESS: 'yes' })).toThrow(
      'WAFLOW_CHROMIUM_SINGLE_PROCESS must be "on" or "off" (got "yes")',
    );
    expect(CHROMIUM_ARGS).toContain('--single-process');
    expect(CHROMIUM_MULTI_PROCESS_ARGS).not.toContain('--single-process');
    expect(CHROMIUM_MULTI_PROCESS_ARGS).toContain('--no-sandbox');
  });

  it('says what to set when the number or the database is missing', () => {
    expect(() => readWorkerEnv({ DATABASE_URL: base.DATABASE_URL })).toThrow(
      /WAFLOW_NUMBER_ID must be the id/,
    );
    expect(() => readWorkerEnv({ WAFLOW_NUMBER_ID: base.WAFLOW_NUMBER_ID })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ URL/,
    );
  });

  it('reads the operator’s egress allow-lists, as the API does, and says what is wrong with a bad range', () => {
    expect(readWorkerEnv(base).egressPolicy).toEqual({ allowHosts: [], allowCidrs: [] });
    expect(
      readWorkerEnv({
        ...base,
        WAFLOW_EGRESS_ALLOW_HOSTS: 'CRM.internal, erp.lan',
        WAFLOW_EGRESS_ALLOW_CIDRS: '10.20.0.0/16',
      }).egressPolicy,
    ).toEqual({ allowHosts: ['crm.internal', 'erp.lan'], allowCidrs: ['10.20.0.0/16'] });
    expect(() => readWorkerEnv({ ...base, WAFLOW_EGRESS_ALLOW_CIDRS: '10.20.0.0' })).toThrow(
      'WAFLOW_EGRESS_ALLOW_CIDRS: "10.20.0.0" is not a CIDR range like 10.0.0.0/8',
    );
  });

  it('hands the host’s egress allow-lists on to its number workers', () => {
    const forwarded = workerEnvFromProcess({
      WAFLOW_EGRESS_ALLOW_HOSTS: 'crm.internal',
      WAFLOW_EGRESS_ALLOW_CIDRS: '10.20.0.0/16',
      WAFLOW_WA_HEARTBEAT_MS: '500',
      HOME: '/root',
    });
    expect(forwarded).toEqual({
      WAFLOW_EGRESS_ALLOW_HOSTS: 'crm.internal',
      WAFLOW_EGRESS_ALLOW_CIDRS: '10.20.0.0/16',
      WAFLOW_WA_HEARTBEAT_MS: '500',
    });
  });
});

describe('a supervising host’s lease settings', () => {
  it('reads them once, with defaults, and names a wrong value instead of making it NaN', () => {
    const problems: string[] = [];
    expect(
      readHostLease(
        { WAFLOW_HOST_ID: 'host-a', WAFLOW_LEASE_TTL_MS: '20000', WAFLOW_NUMBERS_PER_HOST: '8' },
        problems,
      ),
    ).toEqual({ hostId: 'host-a', ttlMs: 20_000, capacity: 8 });
    expect(readHostLease({}, problems)).toMatchObject({ ttlMs: 15_000 });
    expect(readHostLease({}, problems).capacity).toBeUndefined();
    expect(problems).toEqual([]);
    readHostLease({ WAFLOW_LEASE_TTL_MS: '15s', WAFLOW_NUMBERS_PER_HOST: '0' }, problems);
    expect(problems).toEqual([
      'WAFLOW_LEASE_TTL_MS must be a positive whole number (got "15s")',
      'WAFLOW_NUMBERS_PER_HOST must be a positive whole number (got "0")',
    ]);
  });
});
