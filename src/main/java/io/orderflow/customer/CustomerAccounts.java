package io.orderflow.customer;

import io.orderflow.messaging.Outbox;
import io.orderflow.platform.ApiProblem;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Registers customers: the account and its {@link CustomerRegistered} event commit together. */
@Service
class CustomerAccounts {

    private final Customers customers;
    private final PasswordEncoder passwords;
    private final PasswordPolicy policy;
    private final Outbox outbox;
    private final Clock clock = Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));

    CustomerAccounts(Customers customers, PasswordEncoder passwords, IdentitySettings settings, Outbox outbox) {
        this.customers = customers;
        this.passwords = passwords;
        this.policy = new PasswordPolicy(
                settings.password().minLength(), settings.password().maxLength());
        this.outbox = outbox;
    }

    @Transactional
    Customer register(String email, String password, String name) {
        policy.problemWith(password, email).ifPresent(problem -> {
            throw ApiProblem.invalid("password", problem);
        });
        Customer customer = new Customer(UUID.randomUUID(), email, name, passwords.encode(password), clock.instant());
        if (!customers.insert(customer)) {
            throw new ApiProblem(
                    HttpStatus.CONFLICT,
                    "email-taken",
                    "An account with this e-mail address exists already; sign in instead");
        }
        outbox.send(
                "customer",
                new CustomerRegistered(customer.id().toString(), customer.email(), customer.name()),
                null,
                null);
        return customer;
    }

    @Transactional(readOnly = true)
    Optional<Customer> find(String id) {
        try {
            return customers.byId(UUID.fromString(id));
        } catch (IllegalArgumentException notAnId) {
            return Optional.empty();
        }
    }
}
