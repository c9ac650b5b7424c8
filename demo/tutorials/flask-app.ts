/**
 * The Flask tutorial, "Application Instrumentation in Practice": home and about page
 * counters, a list whose size is a gauge, an upstream call timed by a histogram and a
 * summary, and the Info and Enum metrics `application_info` and `application_state`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Counted, CountExceptions, Enum, Info, Timed } from '../../lib/index.js';
import { gauge } from './direct-metrics.js';
import { randomInt, type Random } from './random.js';

export class Pages {
  @Counted({ name: 'home_page_visits', help: 'Number of visits to the home page' })
  home(): string {
    return 'Welcome to the Home Page\n';
  }

  @Counted({ name: 'about_page_visits', help: 'Number of visits to the about page' })
  about(): string {
    return 'Welcome to the About Page\n';
  }
}

/** A gauge set to a size is not a call to count: written by hand, as in the tutorial. */
const LIST_SIZE = gauge({ name: 'list_size', help: 'Size of a list', labelNames: ['list'] });

export class NotInList extends Error {
  name = 'NotInList';
}

export class NumberList {
  private readonly items: number[] = [];

  constructor() {
    LIST_SIZE.labels('my_list').set(0);
  }

  @Counted()
  add(value: number): string {
    this.items.push(value);
    LIST_SIZE.labels('my_list').set(this.items.length);
    return `Added ${value} to my_list\n`;
  }

  /** Python's `list.remove` raises ValueError for a missing value; so does this. */
  @Counted() @CountExceptions()
  remove(value: number): string {
    const index = this.items.indexOf(value);
    if (index < 0) throw new NotInList(`${value} is not in my_list`);
    this.items.splice(index, 1);
    LIST_SIZE.labels('my_list').set(this.items.length);
    return `Removed ${value} from my_list\n`;
  }
}

/** The tutorial's buckets for the GitHub call: 0.1 s steps up to 1 s. */
export const REPOSITORY_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The tutorial calls api.github.com; the demo has no internet, so the call is simulated with
 * a latency of 50 to 600 ms.
 */
export class GitHubClient {
  constructor(private readonly random: Random = Math.random) {}

  @Timed({ name: 'request_duration_seconds', help: 'Time taken to process a request', labels: { method: 'GET', endpoint: '/repos' }, buckets: REPOSITORY_BUCKETS })
  @Timed({ type: 'summary', name: 'request_processing_seconds', help: 'Time spent processing request', labels: { method: 'get', endpoint: '/repos' } })
  async getRepository(user: string, repository: string): Promise<{ full_name: string; stargazers_count: number }> {
    await sleep(randomInt(this.random, 50, 600));
    return { full_name: `${user}/${repository}`, stargazers_count: randomInt(this.random, 0, 60000) };
  }
}

/** Python's `Info('application_info')`: one series at 1 whose labels carry the information. */
const APPLICATION_INFO = new Info({ name: 'application', help: 'Application information' });

export const APPLICATION_STATES = ['loading', 'missing', 'running', 'stopped'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

/** Python's `Enum('application_state')`: one series per state, 1 for the current one. */
const APPLICATION_STATE = new Enum<ApplicationState>({ name: 'application_state', help: 'Application state', states: APPLICATION_STATES });

export function setApplicationInfo(version: string, author: string): void {
  APPLICATION_INFO.set({ version, author });
}

export function setApplicationState(current: ApplicationState): void {
  APPLICATION_STATE.state(current);
}
