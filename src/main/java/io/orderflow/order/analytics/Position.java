package io.orderflow.order.analytics;

/**
 * A place in the order history's stream: the writing transaction ({@code tx}, an xid8) and the global insertion
 * {@code position}. The stream is read in this order, and only below the snapshot's xmin, so that nothing can later
 * appear behind a position already read.
 */
public record Position(long tx, long position) implements Comparable<Position> {

    /** Before every event. */
    public static final Position START = new Position(0, 0);

    @Override
    public int compareTo(Position other) {
        int byTx = Long.compareUnsigned(tx, other.tx);
        return byTx != 0 ? byTx : Long.compare(position, other.position);
    }

    public boolean isAfter(Position other) {
        return compareTo(other) > 0;
    }

    static Position max(Position a, Position b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The transaction id as the database takes it ({@code ?::xid8}). */
    String txText() {
        return Long.toUnsignedString(tx);
    }
}
