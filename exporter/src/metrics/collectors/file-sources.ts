/** Progress of the tailed JSONL files. */
import type { FileTailer } from '../../sources/file-tailer.js';
import type { Collector, Emit } from '../collector.js';

export function fileSourcesCollector(tailers: () => readonly FileTailer[]): Collector {
  return {
    name: 'file_sources',
    families: [
      { name: 'modelwatch_file_source_lines_total', help: 'Lines read from a tailed file and handed to ingest.', type: 'counter' },
      { name: 'modelwatch_file_source_lag_bytes', help: 'Bytes of a tailed file not yet read (file size minus committed offset).', type: 'gauge' },
      { name: 'modelwatch_file_source_rotations_total', help: 'Times a tailed file was rotated (renamed or removed and recreated).', type: 'counter' },
      { name: 'modelwatch_file_source_truncations_total', help: 'Times a tailed file shrank below the read offset and was read again from the start.', type: 'counter' },
      { name: 'modelwatch_file_source_oversized_lines_total', help: 'Lines skipped because they exceeded the maximum line length.', type: 'counter' },
    ],
    collect(emit: Emit) {
      for (const t of tailers()) {
        const s = t.status();
        const labels = { path: s.path };
        emit('modelwatch_file_source_lines_total', labels, s.lines);
        emit('modelwatch_file_source_lag_bytes', labels, s.lagBytes);
        emit('modelwatch_file_source_rotations_total', labels, s.rotations);
        emit('modelwatch_file_source_truncations_total', labels, s.truncations);
        emit('modelwatch_file_source_oversized_lines_total', labels, s.oversizedLines);
      }
    },
  };
}
