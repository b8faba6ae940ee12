/**
 * The one option whose default the environment may change: GCSIM_HOST_NICE for hostNice
 * (src/options.ts). The test suite itself runs with 0 (vitest.config.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OptionError, resolveOptions } from '../../src/options.ts';

const saved = process.env.GCSIM_HOST_NICE;
afterEach(() => {
  if (saved === undefined) delete process.env.GCSIM_HOST_NICE;
  else process.env.GCSIM_HOST_NICE = saved;
});

describe('GCSIM_HOST_NICE', () => {
  it('sets the default of hostNice; an explicit option wins', () => {
    delete process.env.GCSIM_HOST_NICE;
    expect(resolveOptions({}).hostNice).toBe(19);
    process.env.GCSIM_HOST_NICE = '7';
    expect(resolveOptions({}).hostNice).toBe(7);
    expect(resolveOptions({ hostNice: 12 }).hostNice).toBe(12);
    process.env.GCSIM_HOST_NICE = '';
    expect(resolveOptions({}).hostNice).toBe(19);
  });

  it('refuses a value outside 0-19 with one line', () => {
    for (const bad of ['20', '-1', 'x', '1.5']) {
      process.env.GCSIM_HOST_NICE = bad;
      expect(() => resolveOptions({})).toThrow(OptionError);
      expect(() => resolveOptions({})).toThrow(/GCSIM_HOST_NICE: an integer from 0 to 19/);
    }
  });
});
