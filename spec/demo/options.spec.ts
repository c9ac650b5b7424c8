import { parseDemoFlags, parseLoadFlags } from '../../demo/options.js';

describe('npm run demo flags', () => {
  it('defaults to the tutorials\' ports 8000 and 8001 on all interfaces, no load', () => {
    expect(parseDemoFlags([])).toEqual({ help: false, port: 8000, metricsPort: 8001, host: undefined, load: false, durationSeconds: undefined, concurrency: 8 });
  });

  it('takes ports, a host or --local, and load settings', () => {
    expect(parseDemoFlags(['--port', '9000', '--metrics-port', '0', '--local', '--load', '--duration', '30', '--concurrency', '2'])).toEqual({
      help: false,
      port: 9000,
      metricsPort: 0,
      host: '127.0.0.1',
      load: true,
      durationSeconds: 30,
      concurrency: 2,
    });
    expect(parseDemoFlags(['--host', '::1']).host).toBe('::1');
  });

  it('rejects bad values with the flag and what it expects', () => {
    expect(() => parseDemoFlags(['--port', '70000'])).toThrow('--port 70000: expected a port number from 0 to 65535');
    expect(() => parseDemoFlags(['--duration', '0'])).toThrow('--duration 0: expected a positive number');
    expect(() => parseDemoFlags(['--local', '--host', '0.0.0.0'])).toThrow('--local and --host disagree');
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
