/** Request bodies the API accepts, validated with zod. */
import { z } from "zod";

export const ApproveBody = z.strictObject({ step: z.string().min(1).optional(), note: z.string().optional(), waive: z.string().min(1).optional() });
export const RejectBody = z.strictObject({ step: z.string().min(1).optional(), reason: z.string().min(1), returnTo: z.number().int().optional(), note: z.string().optional() });
export const FeedbackBody = z.strictObject({ step: z.string().min(1).optional(), text: z.string().min(1) });
export const AnswerBody = z.strictObject({ step: z.string().min(1).optional(), id: z.string().min(1), text: z.string().min(1) });
export const LoginBody = z.strictObject({ id: z.string().min(1), password: z.string().min(1) });
