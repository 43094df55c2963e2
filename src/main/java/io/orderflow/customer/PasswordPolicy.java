package io.orderflow.customer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a new password must be (NIST SP 800-63B): long enough, not one that attackers try first, not the
 * e-mail address. No composition rules: they make passwords harder to remember, not to guess.
 */
final class PasswordPolicy {

    private static final Set<String> COMMON = load();

    private final int minLength;
    private final int maxLength;

    PasswordPolicy(int minLength, int maxLength) {
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /** Why the password is refused, or empty when it is acceptable. */
    Optional<String> problemWith(String password, String email) {
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            return Optional.of("must be at least " + minLength + " characters long");
        }
        if (length > maxLength) {
            return Optional.of("must be at most " + maxLength + " characters long");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower)) {
            return Optional.of("is too common; choose one that is not on lists of leaked passwords");
        }
        if (lower.chars().distinct().count() <= 2) {
            return Optional.of("is too easy to guess");
        }
        String localPart = email.substring(0, Math.max(0, email.indexOf('@'))).toLowerCase(Locale.ROOT);
        if (lower.equals(email.toLowerCase(Locale.ROOT)) || (localPart.length() >= 4 && lower.contains(localPart))) {
            return Optional.of("must not contain the e-mail address");
        }
        return Optional.empty();
    }

    private static Set<String> load() {
        var in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt");
        if (in == null) {
            throw new IllegalStateException("common-passwords.txt is missing from the customer module");
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.toLowerCase(Locale.ROOT))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
