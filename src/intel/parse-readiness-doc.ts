/** Everything one readiness document says, read in one pass per concern. Pure. */
import { docLines } from "./doc-text.js";
import { readStatusLines, type StatusReading } from "./readiness-status.js";
import { readNoteSections, type NoteSections } from "./readiness-sections.js";
import { readTables, type TableFacts } from "./readiness-tables.js";
import { readFields, type DocFields } from "./readiness-fields.js";

export interface DocFacts {
  file: string;
  readings: StatusReading[];
  /** Lines holding an unfilled template status ("IN_PROGRESS | COMPLETE | BLOCKED"). */
  placeholders: number[];
  fields: DocFields;
  tables: TableFacts;
  sections: NoteSections;
}

/** Parses one document's text (already decoded). Example: `parseReadinessDoc("docs/02_features/a/07-readiness/validation-report.md", text).readings[0].status`. */
export function parseReadinessDoc(file: string, text: string): DocFacts {
  const lines = docLines(text);
  const { readings, placeholders } = readStatusLines(file, lines);
  return {
    file,
    readings,
    placeholders,
    fields: readFields(file, lines),
    tables: readTables(file, lines),
    sections: readNoteSections(file, lines),
  };
}
