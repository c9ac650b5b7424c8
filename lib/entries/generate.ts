// prom-decorators/generate: a Grafana dashboard and Prometheus rules from the decorated code.
export { generateDashboard, type DashboardOptions, type GrafanaDashboard, type GrafanaPanel } from '../generate/dashboard.js';
export { generateRules, formatRules, type RulesOptions, type AlertThresholds, type RuleFile, type AlertRule, type RecordingRule } from '../generate/rules.js';
