package io.orderflow.platform;

/**
 * A dependency whose outage makes this process slower or less capable but not down (a cache in front of the
 * database): {@code /api/health} names it with {@code UP} or {@code DEGRADED} and still answers 200.
 */
public interface DegradableDependency {

    /** Its key in {@code /api/health}, in snake case ({@code catalog_cache}). */
    String healthKey();

    /** False while it is failing and this process works around it. */
    boolean available();
}
