/**
 * Config schema of the App Store target (`appStore:` on an environment): the app on App Store
 * Connect, the project's own upload command, the "What's New" text per locale, phased release,
 * and the names of the environment variables holding the API key (never the key itself).
 */
import { z } from "zod";

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name");
const argv = z.array(z.string().min(1)).min(1, "upload must be an argument array with at least the program");
// App Store Connect locale codes: en-US, de-DE, fr-FR, zh-Hans, es-MX…
const locale = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,4})*$/, "a locale such as en-US or zh-Hans");

/** The App Store target. Example: `{bundleId: com.acme.widget, upload: [./scripts/upload.sh, "{version}"], locales: [en-US, de-DE]}`. */
export const appStoreTargetSchema = z
  .object({
    /** The app's bundle identifier (found with GET /v1/apps?filter[bundleId]=); or give appId. */
    bundleId: z.string().min(1).optional().describe("The app's bundle identifier; or give appId."),
    /** The app's Apple ID on App Store Connect (digits). */
    appId: z
      .string()
      .regex(/^\d+$/, "the app's Apple ID (digits)")
      .optional()
      .describe("The app's Apple ID on App Store Connect (digits); or give bundleId."),
    platform: z
      .enum(["IOS", "MAC_OS", "TV_OS", "VISION_OS"])
      .default("IOS")
      .describe("The platform of the App Store version."),
    /** The project's own upload command (an argument array, never a shell string; `{version}` and `{package}` are substituted). Absent: the build is uploaded by other means. */
    upload: argv
      .optional()
      .describe(
        "The project's own upload command: an argument array, {version} and {package} substituted; absent: the build is uploaded by other means.",
      ),
    /** The build number (CFBundleVersion) to attach, `{version}` substituted; default: the newest build of the version. */
    buildNumber: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The build number (CFBundleVersion) to attach, {version} substituted; default: the newest build of the version.",
      ),
    /** Locales whose "What's New" brtops sets; the first one takes the release notes when it has no file. */
    locales: z
      .array(locale)
      .min(1)
      .default(["en-US"])
      .describe('Locales whose "What\'s New" brtops sets; the first takes the release notes when it has no file.'),
    /** A file per locale holding its "What's New" text, relative to the project: `store/whats-new/{locale}.txt` (`{version}` too). */
    whatsNew: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A file per locale with its "What\'s New" text, relative to the project: store/whats-new/{locale}.txt.',
      ),
    /** Release the update in phases over 7 days (it can then be paused and resumed). */
    phasedRelease: z
      .boolean()
      .default(false)
      .describe("Release the update in phases over 7 days (it can then be paused and resumed)."),
    /** Environment variables: the API key's id, the issuer id, and the .p8 key (its contents, or a path to it). */
    keyIdEnv: envName.default("ASC_KEY_ID").describe("Environment variable holding the API key's id."),
    issuerIdEnv: envName.default("ASC_ISSUER_ID").describe("Environment variable holding the API key's issuer id."),
    keyEnv: envName.default("ASC_PRIVATE_KEY").describe("Environment variable holding the .p8 key's contents."),
    keyPathEnv: envName.default("ASC_KEY_PATH").describe("Environment variable holding a path to the .p8 key."),
    /** The API's base URL (plain HTTP only for loopback hosts). */
    apiBase: z
      .string()
      .url()
      .default("https://api.appstoreconnect.apple.com")
      .describe("The API's base URL (plain HTTP only for loopback hosts)."),
    /** Seconds between two looks at a build's processing or the review. */
    pollSeconds: z
      .number()
      .positive()
      .default(60)
      .describe("Seconds between two looks at a build's processing or the review."),
    /** Seconds a build may take to be processed (VALID) before 6.1 fails. */
    buildTimeout: z
      .number()
      .positive()
      .default(3600)
      .describe("Seconds a build may take to be processed (VALID) before 6.1 fails."),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.bundleId && !v.appId)
      ctx.addIssue({ code: "custom", message: "appStore needs bundleId or appId to find the app", path: [] });
  });

export type AppStoreTargetConfig = z.infer<typeof appStoreTargetSchema>;
