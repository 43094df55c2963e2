package io.orderflow.compat;

import io.orderflow.order.NewOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A seed client's order as understood: in whose words, the client's own id for it (004 only), what to place, and
 * {@code said}, the request without personal data: the fields the answers repeat (the client's customer, user and
 * product ids) and the client's prices, which are kept for the record and never charged.
 */
record SeedOrder(
        Seed seed,
        @Nullable String clientOrderId,
        @Nullable String customerEmail,
        List<NewOrder.Item> items,
        Map<String, Object> said) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** No id (the server's, so a guest reads the order by it), no price (the catalog's), no card, no address. */
    NewOrder toNewOrder() {
        return new NewOrder(null, customerEmail, items, null, null);
    }

    /** Tells the same request sent again from another one under the same client order id. */
    String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(said).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
