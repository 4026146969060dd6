export {
  NOTIFICATION_KINDS,
  notificationsSchema,
  type NotificationsConfig,
  type NotificationChannelConfig,
} from "../config/schema-notifications.js";
export { createNotifier, type NotifierOptions } from "./create-notifier.js";
export type { DeliveryResult, Notification, NotificationKind, Notifier } from "./notification.js";
export { signBody, webhookBody } from "./channel-webhook.js";
export { emailSubject, plainText, slackMessage, type SlackMessage } from "./render-notification.js";
export { backoffMs, parseRetryAfter } from "./delivery-retry.js";
