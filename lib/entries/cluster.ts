// prom-decorators/cluster: node:cluster workers answering the primary's scrapes
// (the primary serves the sum with exposeMetrics(port, { cluster: true })).
export { clusterWorkerMetrics, type ClusterWorkerOptions, type ClusterAggregationOptions } from '../exposition/cluster.js';
