/** Every collector the exporter registers, in exposition order. */
export { buildInfoCollector } from './build-info.js';
export { ingestCollector } from './ingest.js';
export { featureValuesCollector } from './feature-values.js';
export { referenceCollector } from './reference.js';
export { driftCollector } from './drift.js';
export { qualityCollector } from './quality.js';
export { latencyCollector } from './latency.js';
export { fileSourcesCollector } from './file-sources.js';
export { labelsCollector } from './labels.js';
export { performanceCollector } from './performance.js';
export { requestsCollector } from './requests.js';
export { costCollector } from './cost.js';
