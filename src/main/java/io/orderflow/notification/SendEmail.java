package io.orderflow.notification;

/**
 * Notification's message to itself: e-mail the stored notification {@code notificationId}. Sent in the transaction
 * that stored it, so the SMTP conversation happens after that commit, with the kernel's retries, backoff and dead
 * letters around it.
 */
public record SendEmail(long notificationId) {}
