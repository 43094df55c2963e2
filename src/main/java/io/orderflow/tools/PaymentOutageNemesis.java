package io.orderflow.tools;

import java.io.IOException;
import java.util.List;

/**
 * The simulated payment provider down (every charge and refund fails as unavailable) for the fault's duration:
 * long enough, under load, for the circuit breaker to open. orderflow has no runtime switch for it outside
 * its own tests, so the outage is configuration: the application is stopped gracefully and started with
 * {@code orderflow.payment.provider.down=true}, then stopped gracefully and started without it. The fault
 * therefore includes two graceful restarts, and the breaker closes with the second one rather than through
 * half-open probes.
 */
final class PaymentOutageNemesis implements Nemesis {

    @Override
    public String name() {
        return "payment-outage";
    }

    @Override
    public String describe() {
        return "payment provider down (restart with orderflow.payment.provider.down=true) for the fault's duration, "
                + "then a restart with it up";
    }

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.app.stop();
        system.startApp(List.of("--orderflow.payment.provider.down=true"));
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.app.stop();
        system.startApp(List.of());
    }
}
