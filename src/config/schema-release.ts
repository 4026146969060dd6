/**
 * `release:` in brtops.config.yaml — how the release's version is written into the project's
 * files before the package is fixed (phase 2), and how the release commit is tagged when the
 * release is first deployed successfully (6.10, every target).
 */
import { z } from "zod";

const file = z
  .string()
  .min(1)
  .refine(
    (f) => !f.startsWith("/") && !f.split(/[\\/]/).includes(".."),
    "a versionFiles entry is a path inside the project",
  );

/**
 * One file that carries the version: `package.json` (its top-level "version"), `{file, path}`
 * (a dotted JSON path, e.g. "app.version"), or `{file, pattern}` (a regular expression whose
 * first capture group is the version, e.g. `VERSION = "(.*)"`).
 */
export const versionFileSchema = z.union([
  file.describe("A file that carries the version: package.json (its top-level version), or a file holding only it."),
  z
    .object({
      file: file.describe("The JSON file, relative to the project root."),
      path: z.string().min(1).optional().describe('The dotted JSON path of the version, e.g. "app.version".'),
    })
    .strict(),
  z
    .object({
      file: file.describe("The file, relative to the project root."),
      pattern: z
        .string()
        .min(1)
        .refine((p) => {
          try {
            return new RegExp(`${p}|`).exec("")!.length > 1;
          } catch {
            return false;
          }
        }, "pattern must be a valid regular expression with one capture group around the version")
        .describe('A regular expression whose first capture group is the version, e.g. VERSION = "(.*)".'),
    })
    .strict(),
]);
export type VersionFileConfig = z.infer<typeof versionFileSchema>;

export const releaseConfigSchema = z
  .object({
    versionFiles: z
      .array(versionFileSchema)
      .optional()
      .describe(
        "Files brtops writes the version into (default: package.json when the project has one; [] writes none).",
      ),
    versionCommitMessage: z
      .string()
      .min(1)
      .default("chore(release): v{version}")
      .describe("The commit message of the version commit; {version} is replaced."),
    tag: z
      .object({
        format: z
          .string()
          .includes("{version}", { message: "release.tag.format must contain {version}" })
          .optional()
          .describe('The tag name, e.g. "v{version}"; default: the prefix of the project\'s existing tags, else "v".'),
        create: z
          .boolean()
          .default(true)
          .describe("false: no tag is made at 6.10 (the GitHub target still tags at 6.8)."),
        push: z.boolean().default(true).describe("Push the release commit and the tag to the remote."),
        remote: z.string().min(1).default("origin").describe("The git remote pushed to."),
      })
      .strict()
      .prefault({})
      .describe("The release tag, made when the release is first deployed successfully (6.10)."),
  })
  .strict();
export type ReleaseConfig = z.infer<typeof releaseConfigSchema>;
