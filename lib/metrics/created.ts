/**
 * Created timestamps: when a series started counting (made, or last reset), written as
 * OpenMetrics' `_created` and protobuf's `created_timestamp`. A series keeps a reference to a
 * stamp shared by every series created in the same millisecond (most are made together, when
 * their classes are defined): 8 bytes each, where a number of its own would cost a 16-byte heap
 * number besides.
 */

/** A moment in Unix milliseconds, shared and never written. */
export interface CreatedStamp {
  readonly ms: number;
}

let latest: CreatedStamp = { ms: Date.now() };

/** The stamp of now: the one handed out last while the millisecond is the same. */
export function createdNow(): CreatedStamp {
  const ms = Date.now();
  if (ms !== latest.ms) latest = { ms };
  return latest;
}
