package io.orderflow.shipping;

import java.util.function.Function;

/** Flips the simulated carrier's failure rate in a running app (the operator/demo switch), for tests. */
public final class CarrierFaults {

    private CarrierFaults() {}

    /** The first {@code times} bookings of every order fail; then the carrier works. */
    public static void failFirstBookingsOfEachOrder(Function<Class<?>, Object> beans, int times) {
        ((Carrier) beans.apply(Carrier.class)).failFirstBookingsOfEachOrder(times);
    }

    public static void failureRate(Function<Class<?>, Object> beans, double rate) {
        ((Carrier) beans.apply(Carrier.class)).failureRate(rate);
    }
}
