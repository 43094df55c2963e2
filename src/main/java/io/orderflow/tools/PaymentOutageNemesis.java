package io.orderflow.tools;

import java.util.Map;

/**
 * The simulated payment provider down (every charge and refund fails as unavailable) for the fault's duration:
 * long enough, under load, for the circuit breaker to open. Switched in the running application, so no restart is
 * involved and the breaker closes again through its half-open probes; its transitions go into the report.
 */
final class PaymentOutageNemesis extends RuntimeFaultNemesis {

    PaymentOutageNemesis() {
        super(
                "payment-outage",
                "payment provider down at runtime (chaos controls) for the fault's duration, then up again",
                Map.of());
    }
}
