package io.orderflow.inventory;

/** Told by the inventory's rules that the current transaction changed stock levels the catalog should hear of. */
@FunctionalInterface
interface StockLevelChanges {

    /** Stock levels changed in the current transaction: announce them, in a batch, once it has committed. */
    void changed();
}
