import { parseDemoFlags, parseLoadFlags } from '../../demo/options.js';

describe('npm run demo flags', () => {
  const GENTLE = { ratePerSecond: 5, durationSeconds: undefined, concurrency: 8 };

  it('defaults to the tutorials\' ports 8000 and 8001 on 127.0.0.1, with gentle built-in traffic of 5 requests per second', () => {
    expect(parseDemoFlags([])).toEqual({ help: false, port: 8000, metricsPort: 8001, host: '127.0.0.1', traffic: GENTLE });
  });

  it('takes ports, a host, and --local, the default kept for old scripts', () => {
    expect(parseDemoFlags(['--port', '9000', '--metrics-port', '0', '--host', '0.0.0.0'])).toEqual({ help: false, port: 9000, metricsPort: 0, host: '0.0.0.0', traffic: GENTLE });
    expect(parseDemoFlags(['--host', '::1']).host).toBe('::1');
    expect(parseDemoFlags(['--local'])).toEqual(parseDemoFlags([]));
    expect(parseDemoFlags(['--local', '--host', '127.0.0.1']).host).toBe('127.0.0.1');
  });

  it('turns the traffic off with --no-load, sets its rate with --rate, or sends as fast as it can with --load', () => {
    expect(parseDemoFlags(['--no-load']).traffic).toBeUndefined();
    expect(parseDemoFlags(['--rate', '0.5', '--duration', '30']).traffic).toEqual({ ratePerSecond: 0.5, durationSeconds: 30, concurrency: 8 });
    expect(parseDemoFlags(['--load', '--duration', '30', '--concurrency', '2']).traffic).toEqual({ ratePerSecond: undefined, durationSeconds: 30, concurrency: 2 });
  });

  it('rejects bad values and flags that contradict each other, naming them', () => {
    expect(() => parseDemoFlags(['--port', '70000'])).toThrow('--port 70000: expected a port number from 0 to 65535');
    expect(() => parseDemoFlags(['--duration', '0'])).toThrow('--duration 0: expected a positive number');
    expect(() => parseDemoFlags(['--rate', '0'])).toThrow('--rate 0: expected a positive number');
    expect(() => parseDemoFlags(['--local', '--host', '0.0.0.0'])).toThrow('--local and --host disagree: pass one of them');
    expect(() => parseDemoFlags(['--load', '--rate', '20'])).toThrow('--load and --rate disagree: --load sends as fast as it can, --rate <n> n per second; pass one of them');
    expect(() => parseDemoFlags(['--no-load', '--duration', '10'])).toThrow('--no-load turns the built-in traffic off: drop --duration, or drop --no-load');
    expect(() => parseDemoFlags(['--no-load', '--load'])).toThrow('--no-load turns the built-in traffic off: drop --load, or drop --no-load');
    expect(() => parseDemoFlags(['--prot', '1'])).toThrow(/Unknown option '--prot'/);
  });
});

describe('npm run load flags', () => {
  it('defaults to 60 s against localhost:8000, or a count instead', () => {
    expect(parseLoadFlags([])).toEqual({ help: false, url: 'http://localhost:8000', durationSeconds: 60, requests: undefined, concurrency: 8 });
    expect(parseLoadFlags(['--requests', '500', '--url', 'http://127.0.0.1:9000'])).toEqual({ help: false, url: 'http://127.0.0.1:9000', durationSeconds: undefined, requests: 500, concurrency: 8 });
  });

  it('rejects a URL that is not one', () => {
    expect(() => parseLoadFlags(['--url', 'localhost 8000'])).toThrow('--url localhost 8000: not a URL');
  });
});
