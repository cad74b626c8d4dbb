/**
 * Why a record was refused. Reasons are a closed set (they become the `reason` label of
 * `modelwatch_records_rejected_total`); the message names the field and says what was expected.
 */
export const REJECTION_REASONS = ['malformed_json', 'invalid_record', 'unknown_model', 'invalid_field', 'too_large', 'not_ready'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  /** Position of the record in its batch (array index or NDJSON line, 0-based). */
  index: number;
  reason: RejectionReason;
  /** Dotted path of the offending field, e.g. "features.temp_max"; absent for whole-record problems. */
  field?: string;
  message: string;
  /** The configured model the record named, if any (unknown models are not echoed into labels). */
  model?: string;
}
