package io.orderflow.peer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * The order flow as a plain Spring Modulith application: five modules (order, inventory, payment, shipping,
 * notification) and the events they share, every step an asynchronous {@code @ApplicationModuleListener} whose
 * publication the JDBC event publication registry keeps until the listener has committed.
 */
@SpringBootApplication
@EnableAsync
public class PeerApplication {

    public static void main(String[] args) {
        SpringApplication.run(PeerApplication.class, args);
    }
}
