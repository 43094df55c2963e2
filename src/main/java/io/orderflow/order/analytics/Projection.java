package io.orderflow.order.analytics;

import java.util.List;

/**
 * A read model built from the order history alone: its tables (in the {@code orders} schema) are a function of the
 * events up to the projection's checkpoint, so they can be rebuilt from the events at any time (replay).
 */
public interface Projection {

    /** Its name in the registry, in the API and on the command line. */
    String name();

    /** Its tables' names as they are live, in the {@code orders} schema. */
    List<String> tables();

    /**
     * Brings the rows these events touch up to date, as the history stands at {@code upTo} (the last of them),
     * in the tables {@code tables} names. Called in the transaction that moves the checkpoint; must give the same
     * rows whether the events come in one batch or many.
     */
    void apply(List<StoredEvent> events, Position upTo, Tables tables);

    /** Which copy of a projection's tables to write: the live ones, or those a replay builds beside them. */
    record Tables(String suffix) {

        public static final Tables LIVE = new Tables("");
        public static final Tables REBUILD = new Tables("_rebuild");
        static final Tables RETIRED = new Tables("_retired");

        /** {@code orders.<table><suffix>}; table names come from the projection's own constants. */
        public String of(String table) {
            if (!table.matches("[a-z_]+")) {
                throw new IllegalArgumentException("not a table name: " + table);
            }
            return "orders." + name(table);
        }

        String name(String table) {
            return table + suffix;
        }
    }
}
