export { createMailer, type Mailer, type OutgoingMail } from './mailer';
export { sendOnce, OUTBOX } from './outbox';
