package io.orderflow.customer;

import io.orderflow.platform.security.Roles;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orderflow.security.*} as the customer module uses it: accounts, clients, sign-in lockout and
 * signing keys. (What every process checks in a token is {@code SecuritySettings} in the platform.)
 */
@ConfigurationProperties("orderflow.security")
record IdentitySettings(
        @DefaultValue("15m") Duration accessTokenTtl,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("orderflow") String issuer,
        @DefaultValue("orderflow") String audience,
        @DefaultValue Operator operator,
        @DefaultValue List<Client> clients,
        @DefaultValue SignIn signIn,
        @DefaultValue Password password,
        @DefaultValue Keys keys,
        @DefaultValue("./data") String dataDir) {

    /**
     * The operator client created on first start.
     *
     * @param clientSecret when set, the operator client has this secret (kept as a hash); when empty, the first
     *        start generates one and writes it once to {@code <data-dir>/operator-credentials}
     */
    record Operator(
            @DefaultValue("operator") String clientId,
            @Nullable String clientSecret) {}

    /** A further API client, e.g. a service: id, secret and roles (id and secret required, checked at start). */
    record Client(
            @Nullable String id,
            @Nullable String secret,
            @DefaultValue(Roles.SERVICE) List<String> roles) {}

    /**
     * @param lockoutThreshold consecutive failures after which an account is locked
     * @param lockoutBase the first lock; each further failure doubles it
     * @param lockoutMax the longest lock
     * @param failureWindow failures older than this are forgotten
     */
    record SignIn(
            @DefaultValue("5") int lockoutThreshold,
            @DefaultValue("30s") Duration lockoutBase,
            @DefaultValue("15m") Duration lockoutMax,
            @DefaultValue("1h") Duration failureWindow) {}

    record Password(
            @DefaultValue("10") int minLength,
            @DefaultValue("256") int maxLength) {}

    /** @param rotateAfter the signing key is replaced once it is this old */
    record Keys(@DefaultValue("30d") Duration rotateAfter) {}
}
