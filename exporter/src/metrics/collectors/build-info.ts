/** `modelwatch_build_info`, the exporter's version as labels, always 1. */
import type { Collector, Emit } from '../collector.js';

export function buildInfoCollector(info: { version: string; revision: string }): Collector {
  return {
    name: 'build_info',
    families: [{ name: 'modelwatch_build_info', help: 'A metric with a constant 1 labelled by the version and revision modelwatch was built from and the Node.js version it runs on.', type: 'gauge' }],
    collect(emit: Emit) {
      emit('modelwatch_build_info', { version: info.version, revision: info.revision, nodejs_version: process.version }, 1);
    },
  };
}
