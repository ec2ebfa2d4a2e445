import { describe, expect, it } from 'vitest';
import { parseFlowFile } from './flow-file.ts';

describe('a flow file to import', () => {
  const config = {
    schemaVersion: 1,
    start: 'a',
    nodes: [{ id: 'a', type: 'end' }],
    triggers: [],
    variables: [],
  };
  it('reads an export, or a bare flow config named by itself or by its file', () => {
    expect(parseFlowFile(JSON.stringify({ name: 'Leads', config }), 'x.json')).toEqual({
      name: 'Leads',
      config,
    });
    expect(parseFlowFile(JSON.stringify({ ...config, name: 'Support' }), 'x.json')).toMatchObject({
      name: 'Support',
    });
    expect(parseFlowFile(JSON.stringify(config), 'Lead capture.flow.json')).toMatchObject({
      name: 'Lead capture',
      config,
    });
  });
  it('says what is wrong with a file that is not a flow', () => {
    expect(parseFlowFile('{', 'a.json')).toMatch(/a\.json is not JSON/);
    expect(parseFlowFile('[1,2]', 'b.json')).toMatch(/b\.json holds no flow/);
    expect(parseFlowFile(JSON.stringify({ name: 'x' }), 'c.json')).toMatch(/holds no flow/);
  });
});
