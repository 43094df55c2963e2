/**
 * Notification: tells the customer about their order's lifecycle (placed, completed, failed, cancelled).
 * Messages are kept and viewable; it consumes lifecycle events only.
 */
package io.orderflow.notification;
