/**
 * Scheduled delivery: the monthly report sent on a cron schedule to email (SMTP) and webhooks
 * (uprate's JSON summary or a Slack message), each recipient's copy of a month **once**, through
 * the alerts' once-only machinery (lease, retries with backoff, dead letters).
 *
 * config `reports` + `smtp` ─reportDeliverySetup (secrets from env; CONFIG_INVALID with lines)─> setup
 * ReportScheduler.start(): croner per report in `uprate serve` (+ a catch-up at start)
 * ReportScheduler.send({name, period}): `uprate report send`
 *   ─ last complete month (report-period) ─ keys `report:<name>:<YYYY-MM>:<recipient>` still open?
 *   ─ collectMonthlyReport (src/report-html) ─ claimNotification (src/alerts) per recipient
 *   ─ email: renderReportHtml({email: true}) + text part, nodemailer, retried (smtp-mailer)
 *   ─ webhook: reportSummary as JSON or Slack blocks, deliverWebhook (src/alerts/webhook)
 *   ─ markDelivered | recordDeadLetter
 */
export { reportsSchema, reportScheduleSchema, recipientSchema, smtpSchema, type ReportSchedule, type Recipient, type SmtpConfig } from './delivery-schema.js';
export { reportDeliverySetup, findReport, recipientLabel, type ReportDeliverySetup, type ScheduledReport, type ResolvedRecipient, type SmtpSetup } from './delivery-setup.js';
export { lastCompleteMonth, checkPeriod, monthIn } from './report-period.js';
export { reportSummary, summaryText, slackReportMessage, webhookBody, reportLink, type ReportSummary, type ComparedMonth } from './report-summary.js';
export { sendEmail, messageId, type EmailMessage } from './smtp-mailer.js';
export { ReportScheduler, startReportScheduler, reportKey, type ReportSchedulerOptions, type SendOptions, type SendResult, type RecipientDelivery, type ReportKpiSettings } from './report-scheduler.js';
