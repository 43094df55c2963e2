package io.orderflow.customer;

import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.security.Roles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Exchanges credentials for an access token. A wrong e-mail address and a wrong password get the same answer
 * after the same work (a hash is checked either way), and both count towards the account name's lockout.
 */
class SignIn {

    private final Customers customers;
    private final ApiClients clients;
    private final PasswordEncoder passwords;
    private final SignInFailures failures;
    private final Tokens tokens;
    /** Checked when there is no account, so that answer takes as long as a wrong password. */
    private final String decoyHash;

    SignIn(Customers customers, ApiClients clients, PasswordEncoder passwords, SignInFailures failures, Tokens tokens) {
        this.customers = customers;
        this.clients = clients;
        this.passwords = passwords;
        this.failures = failures;
        this.tokens = tokens;
        this.decoyHash = passwords.encode(UUID.randomUUID().toString());
    }

    Tokens.AccessToken customer(String email, String password) {
        String account = "customer:" + email.strip();
        refuseWhileLocked(account);
        var customer = customers.byEmail(email.strip());
        boolean matches =
                passwords.matches(password, customer.map(Customer::passwordHash).orElse(decoyHash));
        if (customer.isEmpty() || !matches) {
            throw failure(account, "invalid_grant", "The e-mail address or the password is wrong");
        }
        failures.succeeded(account);
        return tokens.issue(customer.get().id().toString(), List.of(Roles.CUSTOMER));
    }

    Tokens.AccessToken client(String clientId, String secret) {
        String account = "client:" + clientId;
        refuseWhileLocked(account);
        var client = clients.find(clientId);
        boolean matches = passwords.matches(
                secret, client.map(ApiClients.ApiClient::secretHash).orElse(decoyHash));
        if (client.isEmpty() || !matches) {
            throw failure(account, "invalid_client", "The client id or the client secret is wrong");
        }
        failures.succeeded(account);
        return tokens.issue(client.get().clientId(), client.get().roles());
    }

    private void refuseWhileLocked(String account) {
        failures.lockedFor(account).ifPresent(SignIn::locked);
    }

    private ApiProblem failure(String account, String oauthError, String detail) {
        Duration locked = failures.failed(account);
        if (!locked.isNegative() && !locked.isZero()) {
            locked(locked);
        }
        return new ApiProblem(HttpStatus.UNAUTHORIZED, "invalid-credentials", detail, Map.of("error", oauthError));
    }

    private static void locked(Duration remaining) {
        long seconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
        throw new ApiProblem(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "sign-in-locked",
                        "Too many failed sign-ins for this account; try again in " + seconds + " s",
                        Map.of("error", "temporarily_unavailable"))
                .withHeader("Retry-After", Long.toString(seconds));
    }
}
