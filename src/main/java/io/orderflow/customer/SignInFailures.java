package io.orderflow.customer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The lockout against password guessing: after {@code lockout-threshold} consecutive failures an account name
 * is locked, for {@code lockout-base} and twice as long after each further failure, up to {@code lockout-max}.
 * Counted per account name whether or not the account exists, in the database so every instance agrees.
 */
@Component
class SignInFailures {

    private final JdbcClient jdbc;
    private final IdentitySettings.SignIn settings;

    SignInFailures(JdbcClient jdbc, IdentitySettings settings) {
        this.jdbc = jdbc;
        this.settings = settings.signIn();
    }

    /** How long the account name stays locked, if it is. */
    @Transactional(propagation = Propagation.REQUIRES_NEW, readOnly = true)
    Optional<Duration> lockedFor(String account) {
        return jdbc.sql("select locked_until from customer.sign_in_failure where account_hash = ? "
                        + "and locked_until > clock_timestamp()")
                .param(hash(account))
                .query((rs, n) -> rs.getTimestamp(1).toInstant())
                .optional()
                .map(until -> Duration.between(Instant.now(), until))
                .filter(d -> !d.isNegative());
    }

    /** Counts a failure; returns how long the account name is now locked (zero when it is not). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    Duration failed(String account) {
        var lockedUntil = jdbc.sql("""
                insert into customer.sign_in_failure as f (account_hash, failures, last_failed_at, locked_until)
                values (?, 1, clock_timestamp(), case when 1 >= ? then clock_timestamp() + make_interval(secs => ?) end)
                on conflict (account_hash) do update set
                    failures = case when f.last_failed_at < clock_timestamp() - make_interval(secs => ?) then 1
                                    else f.failures + 1 end,
                    last_failed_at = clock_timestamp(),
                    locked_until = case
                        when (case when f.last_failed_at < clock_timestamp() - make_interval(secs => ?) then 1
                                   else f.failures + 1 end) >= ?
                        then clock_timestamp() + make_interval(secs => least(?, ? * power(2, f.failures + 1 - ?)))
                        end
                returning locked_until""")
                .params(
                        hash(account),
                        settings.lockoutThreshold(),
                        seconds(settings.lockoutBase()),
                        seconds(settings.failureWindow()),
                        seconds(settings.failureWindow()),
                        settings.lockoutThreshold(),
                        seconds(settings.lockoutMax()),
                        seconds(settings.lockoutBase()),
                        settings.lockoutThreshold())
                .query((rs, n) -> Optional.ofNullable(rs.getTimestamp(1)))
                .single();
        return lockedUntil
                .map(until -> Duration.between(Instant.now(), until.toInstant()))
                .orElse(Duration.ZERO);
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void succeeded(String account) {
        jdbc.sql("delete from customer.sign_in_failure where account_hash = ?")
                .param(hash(account))
                .update();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** Attempted names are kept only as hashes: the table does not list the addresses people typed. */
    static String hash(String account) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(account.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
