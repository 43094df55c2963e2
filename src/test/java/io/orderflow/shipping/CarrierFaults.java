package io.orderflow.shipping;

import java.util.function.Function;

/** Flips the simulated carrier's failure rate in a running app (the operator/demo switch), for tests. */
public final class CarrierFaults {

    private CarrierFaults() {
    }

    public static void failureRate(Function<Class<?>, Object> beans, double rate) {
        ((Carrier) beans.apply(Carrier.class)).failureRate(rate);
    }
}
