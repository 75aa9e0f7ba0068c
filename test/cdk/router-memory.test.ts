import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { routerMemoryMb } from '../../lib/lambda-entries.js';
import { synthesize } from './synth.js';

describe('the router function', () => {
  it('gets the memory size the Lambda-faithful bench chose: one full vCPU, 1,769 MB', () => {
    const { home } = synthesize();
    expect(routerMemoryMb).toBe(1769);
    home?.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^Switchboard router'), MemorySize: 1769 });
  });
});
