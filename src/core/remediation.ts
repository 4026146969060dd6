/** The kind of Note a HUM LEAD's `brtops incident note "…"` records: an entry of the run's remediation plan (spec emergency step 6). */
export const REMEDIATION_NOTE = "remediation";
