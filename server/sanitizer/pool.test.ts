import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { createSanitizerPool, type Sanitizer } from './pool.ts';

describe('the sanitiser pool', () => {
  let pool: Sanitizer;
  afterEach(() => pool.close());

  it('checks and sanitises each manuscript of a task in a worker thread, in order', async () => {
    pool = createSanitizerPool({ threads: 2 });
    const results = await Promise.all([
      pool.sanitize(['<p onclick="x()">one<script>1</script></p>', '<b>'.repeat(1_000_000)]),
      pool.sanitize(['<p>two<br></p>']),
    ]);
    expect(results).toEqual([[{ html: '<p>one</p>' }, { exceeded: 'depth' }], [{ html: '<p>two<br /></p>' }]]);
  });

  it('answers 503 with Retry-After at once when the queue is full, and still runs what it queued', async () => {
    pool = createSanitizerPool({ threads: 1, queueMax: 1 });
    const running = pool.sanitize(['<p>running</p>']);
    const queued = pool.sanitize(['<p>queued</p>']);
    const refused = await pool.sanitize(['<p>refused</p>']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 503, code: 'busy', headers: { 'Retry-After': '1' } });
    expect(await running).toEqual([{ html: '<p>running</p>' }]);
    expect(await queued).toEqual([{ html: '<p>queued</p>' }]);
  });

  it('fails the tasks it has not answered when closed, and refuses new ones', async () => {
    pool = createSanitizerPool({ threads: 1 });
    const unanswered = Promise.allSettled([pool.sanitize(['<p>a</p>']), pool.sanitize(['<p>b</p>'])]);
    await pool.close();
    const [running, queued] = await unanswered;
    expect(running).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/stopped/) } });
    expect(queued).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/closed/) } });
    await expect(pool.sanitize(['<p>c</p>'])).rejects.toThrow(/closed/);
  });
});
