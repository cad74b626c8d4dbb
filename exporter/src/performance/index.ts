/** Pure statistics of model performance (no I/O); see each module for the exact definitions. */
export * from './classification.js';
export * from './scores.js';
export * from './regression.js';
export * from './intervals.js';
export * from './calibration.js';
export * from './estimation.js';
export * from './association.js';
export * from './change-detection.js';
export * from './normal-quantile.js';
export * from './report.js';
