package io.orderflow.order;

import java.time.Instant;

/**
 * Where an order stands, for clients that poll: its status and version (the number of events in its history,
 * so it changes exactly when something happened), and why it failed, if it did.
 */
public record OrderStatusView(String id, String status, int version, Instant updatedAt, String failureReason) {

    /** The entity tag of this order's representations at this version. */
    public String etag() {
        return etag(version);
    }

    public static String etag(int version) {
        return "\"" + version + "\"";
    }
}
