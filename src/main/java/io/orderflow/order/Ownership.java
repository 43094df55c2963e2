package io.orderflow.order;

import io.orderflow.platform.security.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * Who may see and cancel an order. Operators see every order. A customer's order is theirs alone. A guest order
 * is open to whoever holds its order token, or its id when the server chose that id (a random UUID is as hard
 * to guess as a token); an id the client chose gives nobody access on its own.
 *
 * @param customerId the signed-in customer who placed it, or null for a guest order
 * @param orderTokenHash SHA-256 of the guest order's token (the token itself is shown once, on creation)
 * @param idChosenByClient whether the client chose the id (then the id alone opens nothing)
 */
public record Ownership(
        @Nullable String customerId, @Nullable String orderTokenHash, boolean idChosenByClient) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new guest order's ownership and the token to hand to its placer. */
    record Guest(Ownership ownership, String orderToken) {}

    static Ownership customer(String customerId, boolean idChosenByClient) {
        return new Ownership(customerId, null, idChosenByClient);
    }

    static Guest guest(boolean idChosenByClient) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        return new Guest(new Ownership(null, hash(token), idChosenByClient), token);
    }

    /** Whether {@code caller} (with the order token it presented, if any) may see and cancel the order. */
    public boolean admits(Caller caller, @Nullable String presentedToken) {
        if (caller.isOperator()) {
            return true;
        }
        if (customerId != null) {
            return caller.customerId().map(customerId::equals).orElse(false);
        }
        if (!idChosenByClient) {
            return true;
        }
        return presentedToken != null
                && orderTokenHash != null
                && MessageDigest.isEqual(
                        hash(presentedToken).getBytes(StandardCharsets.US_ASCII),
                        orderTokenHash.getBytes(StandardCharsets.US_ASCII));
    }

    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
