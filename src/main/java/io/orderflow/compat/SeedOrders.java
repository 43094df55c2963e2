package io.orderflow.compat;

import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orders placed through {@code POST /orders}: in which seed's words, under which id the client knows each, and
 * the first answer (what a client that sends its own order id again gets).
 */
class SeedOrders {

    static final String SCHEMA = "compat";

    /** One seed client's order; {@code orderId} is orderflow's, {@code answer} the JSON text of the first answer. */
    record Row(String publicId, String orderId, Seed seed, JsonNode said, String fingerprint, String answer) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;
    /** Numbers read back as they were written, never through a double. */
    private final ObjectReader reader;

    SeedOrders(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.reader = json.readerFor(JsonNode.class).with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /**
     * Claims the client's own order id for this request, in the caller's transaction; false when it is taken. A
     * concurrent claim of the same id makes this wait until that one commits (taken) or rolls back (claimed here).
     */
    boolean claim(String clientOrderId, SeedOrder order) {
        return jdbc.sql("insert into compat.seed_order (public_id, seed, said, fingerprint) values (?, ?, ?::jsonb, ?) "
                                + "on conflict (public_id) do nothing")
                        .params(
                                clientOrderId,
                                order.seed().number(),
                                json.writeValueAsString(order.said()),
                                order.fingerprint())
                        .update()
                == 1;
    }

    /** Binds a claimed client order id to the order placed for it, with the answer that placing gave. */
    void bind(String clientOrderId, String orderId, String answer) {
        int bound = jdbc.sql("update compat.seed_order set order_id = ?, answer = ?::json "
                        + "where public_id = ? and order_id is null")
                .params(orderId, answer, clientOrderId)
                .update();
        if (bound != 1) {
            throw new IllegalStateException("order id " + clientOrderId + " was not claimed in this transaction");
        }
    }

    /** Records an order the server named (its id is the client's name for it), with the answer that placing gave. */
    void add(String orderId, SeedOrder order, String answer) {
        jdbc.sql("insert into compat.seed_order (public_id, order_id, seed, said, fingerprint, answer) "
                        + "values (?, ?, ?, ?::jsonb, ?, ?::json)")
                .params(
                        orderId,
                        orderId,
                        order.seed().number(),
                        json.writeValueAsString(order.said()),
                        order.fingerprint(),
                        answer)
                .update();
    }

    /** The order the client calls {@code publicId}, once placed (a claim still being placed is not found). */
    Optional<Row> find(String publicId) {
        return jdbc.sql("select public_id, order_id, seed, said::text as said, fingerprint, answer::text as answer "
                        + "from compat.seed_order where public_id = ? and order_id is not null")
                .param(publicId)
                .query((rs, n) -> new Row(
                        rs.getString("public_id"),
                        rs.getString("order_id"),
                        Seed.ofNumber(rs.getString("seed")),
                        read(rs.getString("said")),
                        rs.getString("fingerprint"),
                        placed(rs.getString("answer"))))
                .optional();
    }

    private JsonNode read(@Nullable String text) {
        return reader.readValue(placed(text));
    }

    private static String placed(@Nullable String text) {
        if (text == null) {
            throw new IllegalStateException("a placed seed order has its request and its answer");
        }
        return text;
    }
}
