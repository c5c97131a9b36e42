import { describe, expect, it } from 'vitest';
import { compareSequencers, isOlderEvent } from '../../../lib/pipeline/sequencer.js';

describe('S3 event sequencers', () => {
  it('orders by hexadecimal value, the shorter left-padded with zeros', () => {
    expect(compareSequencers('0055AED6DCD90281E5', '0055AED6DCD90281E6')).toBeLessThan(0);
    // Lexically 'F' > '10', but as left-padded hex 0F < 10.
    expect(compareSequencers('F', '10')).toBeLessThan(0);
    expect(compareSequencers('10', 'F')).toBeGreaterThan(0);
    expect(compareSequencers('00ab', 'AB')).toBe(0);
  });

  it('does not order values that are not hexadecimal', () => {
    expect(compareSequencers('zz', '01')).toBe(0);
    expect(compareSequencers('', '01')).toBe(0);
  });

  it('calls an event older only when both sequencers are known and it is lower', () => {
    expect(isOlderEvent('0A', '0B')).toBe(true);
    expect(isOlderEvent('0B', '0A')).toBe(false);
    expect(isOlderEvent('0B', '0B')).toBe(false);
    expect(isOlderEvent(undefined, '0B')).toBe(false);
    expect(isOlderEvent('0A', undefined)).toBe(false);
  });
});
