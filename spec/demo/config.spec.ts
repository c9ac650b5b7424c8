/**
 * What can be checked of the Prometheus, Grafana and Docker files without Docker: promtool
 * validates the Prometheus configs (and the rules they load), the compose file points at
 * files that exist, and the committed dashboard and rules are what the decorators generate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import '../../demo/tutorials/index.js';
import { generateDashboard } from '../../lib/generate/dashboard.js';
import { formatRules, generateRules } from '../../lib/generate/rules.js';
import { requireBinary } from '../support/binaries.js';

const DEMO = join(__dirname, '..', '..', 'demo');
const read = (path: string) => readFileSync(join(DEMO, path), 'utf8');
const REGENERATE = 'out of date: run `npm run demo:generate` and commit the result';

describe('demo configuration files', () => {
  it.each(['prometheus.yml', 'prometheus.docker.yml'])('%s passes promtool check config, with its rule file', (file) => {
    const output = execFileSync(requireBinary('promtool'), ['check', 'config', join(DEMO, file)], { encoding: 'utf8', timeout: 20_000 });
    expect(output).toContain(`is valid prometheus config file syntax`);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('prometheus.yml scrapes the demo on localhost:8001, the compose one the demo service', () => {
    expect(parse(read('prometheus.yml')).scrape_configs[0].static_configs[0].targets).toEqual(['localhost:8001']);
    expect(parse(read('prometheus.docker.yml')).scrape_configs[0].static_configs[0].targets).toEqual(['demo:8001']);
  });

  it('docker-compose.yml runs the demo on every interface, Prometheus and Grafana, mounting files that exist', () => {
    const compose = parse(read('docker-compose.yml'));
    expect(Object.keys(compose.services)).toEqual(['demo', 'prometheus', 'grafana']);
    expect(existsSync(join(DEMO, compose.services.demo.build.context, compose.services.demo.build.dockerfile))).toBe(true);
    expect(compose.services.demo.ports).toEqual(['8000:8000', '8001:8001']);
    // The demo binds loopback by default: in a container, published ports need every interface.
    expect(compose.services.demo.command).toEqual(['node', '.build/demo/main.js', '--host', '0.0.0.0']);
    expect(read('Dockerfile')).toContain('\nCMD ["node", ".build/demo/main.js", "--host", "0.0.0.0"]\n');
    const mounts = [...compose.services.prometheus.volumes, ...compose.services.grafana.volumes].map((volume: string) => volume.split(':')[0]);
    expect(mounts.filter((path: string) => !existsSync(join(DEMO, path)))).toEqual([]);
    expect(compose.services.prometheus.volumes).toContain('./prometheus.docker.yml:/etc/prometheus/prometheus.yml:ro');
  });

  it('Grafana gets the Prometheus service as default data source and loads the generated dashboard', () => {
    const [datasource] = parse(read('grafana/provisioning/datasources/prometheus.yml')).datasources;
    expect(datasource).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true });
    const [provider] = parse(read('grafana/provisioning/dashboards/prom-decorators.yml')).providers;
    expect(provider).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards' } });
    expect(existsSync(join(DEMO, 'grafana/dashboards/prom-decorators.json'))).toBe(true);
  });

  it(`the committed dashboard is the one generated from the demo's decorators (${REGENERATE})`, () => {
    expect(JSON.parse(read('grafana/dashboards/prom-decorators.json'))).toEqual(generateDashboard({ title: 'prom-decorators demo' }));
  });

  it(`the committed rules are the ones generated from the demo's decorators (${REGENERATE})`, () => {
    expect(read('rules.yml')).toBe(formatRules(generateRules()));
  });
});
