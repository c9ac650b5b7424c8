/** The Prometheus clients' default histogram buckets, in seconds (the decorators and the HTTP metrics use them). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
