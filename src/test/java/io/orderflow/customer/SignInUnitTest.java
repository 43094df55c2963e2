package io.orderflow.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.orderflow.platform.ApiProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Sign-in tells nobody whether an address has an account: a wrong password and an unknown address get the same
 * problem after the same work (one password-hash check each), and both count towards the lockout.
 */
class SignInUnitTest {

    /** Counts hash checks; a hash "matches" only the password it was made from. */
    static final class CountingEncoder implements PasswordEncoder {
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String encode(CharSequence raw) {
            return "hash:" + raw;
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
            checks.incrementAndGet();
            return encoded.equals("hash:" + raw);
        }
    }

    final CountingEncoder passwords = new CountingEncoder();
    final Customers customers = mock(Customers.class);
    final SignInFailures failures = mock(SignInFailures.class);
    SignIn signIn;

    @BeforeEach
    void ada() {
        when(customers.byEmail("ada@example.com"))
                .thenReturn(Optional.of(new Customer(
                        UUID.randomUUID(),
                        "ada@example.com",
                        "Ada",
                        passwords.encode("the right passphrase"),
                        Instant.now())));
        when(customers.byEmail("nobody@example.com")).thenReturn(Optional.empty());
        when(failures.lockedFor(anyString())).thenReturn(Optional.empty());
        when(failures.failed(anyString())).thenReturn(Duration.ZERO);
        signIn = new SignIn(customers, mock(ApiClients.class), passwords, failures, mock(Tokens.class));
        passwords.checks.set(0);
    }

    @Test
    void answersAWrongPasswordAndAnUnknownAddressAlikeAfterTheSameWork() {
        ApiProblem wrongPassword =
                catchThrowableOfType(ApiProblem.class, () -> signIn.customer("ada@example.com", "a wrong passphrase"));
        int checksForWrongPassword = passwords.checks.getAndSet(0);
        ApiProblem unknownAddress = catchThrowableOfType(
                ApiProblem.class, () -> signIn.customer("nobody@example.com", "a wrong passphrase"));
        int checksForUnknownAddress = passwords.checks.get();

        assertThat(checksForWrongPassword).isEqualTo(1);
        assertThat(checksForUnknownAddress).isEqualTo(1);
        assertThat(unknownAddress.problem().getStatus())
                .isEqualTo(wrongPassword.problem().getStatus())
                .isEqualTo(401);
        assertThat(unknownAddress.problem().getType())
                .isEqualTo(wrongPassword.problem().getType());
        assertThat(unknownAddress.problem().getDetail())
                .isEqualTo(wrongPassword.problem().getDetail());
    }

    @Test
    void countsFailuresForAddressesWithoutAnAccountToo() {
        catchThrowableOfType(ApiProblem.class, () -> signIn.customer("nobody@example.com", "guess"));

        Mockito.verify(failures).failed("customer:nobody@example.com");
    }

    @Test
    void refusesALockedAccountEvenWithTheRightPasswordAndSaysWhenToComeBack() {
        when(failures.lockedFor("customer:ada@example.com")).thenReturn(Optional.of(Duration.ofSeconds(42)));

        ApiProblem locked = catchThrowableOfType(
                ApiProblem.class, () -> signIn.customer("ada@example.com", "the right passphrase"));

        assertThat(locked.problem().getStatus()).isEqualTo(429);
        assertThat(locked.headers()).containsEntry("Retry-After", "42");
    }
}
