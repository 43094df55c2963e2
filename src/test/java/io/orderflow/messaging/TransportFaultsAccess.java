package io.orderflow.messaging;

import org.jspecify.annotations.Nullable;

/** For tests outside the package: switches the kernel's reordering hook as the chaos controls do. */
public final class TransportFaultsAccess {

    private TransportFaultsAccess() {}

    public static void reorder(TransportFaults faults, TransportFaults.@Nullable HoldBack holdBack) {
        faults.reorder(holdBack);
    }
}
