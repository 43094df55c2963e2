/**
 * Notification: tells the customer about their order's lifecycle (placed, completed, failed, cancelled).
 * Messages are kept and viewable; it consumes lifecycle events only.
 */
@NullMarked
package io.orderflow.notification;

import org.jspecify.annotations.NullMarked;
