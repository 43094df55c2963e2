package io.orderflow.order.web;

import io.orderflow.platform.ApiProblem;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code Idempotency-Key} as payment APIs define it: the first request with a key claims it; a repeat with
 * the same body gets the stored response; a different body is a 422; a repeat while the first is still
 * running is a 409. A claim whose request died mid-way expires, so the key is not blocked forever.
 */
@Component
class IdempotencyKeys {

    static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

    record StoredResponse(int status, String body, String location) {}

    private final JdbcClient jdbc;

    IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims the key, or answers with the stored response of the request that claimed it first. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    Optional<StoredResponse> claim(String key, String requestHash) {
        int claimed = jdbc.sql(
                        "insert into orders.idempotency_key (key, request_hash, state) values (?, ?, 'in_flight') "
                                + "on conflict (key) do update set request_hash = excluded.request_hash, created_at = now() "
                                + "where idempotency_key.state = 'in_flight' and idempotency_key.request_hash = excluded.request_hash "
                                + "and idempotency_key.created_at < now() - ? * interval '1 second'")
                .params(key, requestHash, ABANDONED_AFTER.toSeconds())
                .update();
        if (claimed == 1) {
            return Optional.empty();
        }
        var existing = jdbc.sql("select request_hash, state, response_status, response_body, location "
                        + "from orders.idempotency_key where key = ?")
                .param(key)
                .query((rs, n) -> Map.entry(
                        rs.getString("request_hash") + "|" + rs.getString("state"),
                        new StoredResponse(
                                rs.getInt("response_status"), rs.getString("response_body"), rs.getString("location"))))
                .single();
        String[] hashAndState = existing.getKey().split("\\|");
        if (!hashAndState[0].equals(requestHash)) {
            throw new ApiProblem(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency-key-reused",
                    "Idempotency-Key was already used with a different request body");
        }
        if (hashAndState[1].equals("in_flight")) {
            throw new ApiProblem(
                    HttpStatus.CONFLICT,
                    "idempotency-key-in-flight",
                    "A request with this Idempotency-Key is still being processed; retry shortly");
        }
        return Optional.of(existing.getValue());
    }

    /** Stores the response; runs in the transaction that created the order, so both or neither persist. */
    @Transactional(propagation = Propagation.MANDATORY)
    void complete(String key, int status, String body, String location) {
        jdbc.sql("update orders.idempotency_key set state = 'completed', response_status = ?, response_body = ?, "
                        + "location = ? where key = ?")
                .params(status, body, location, key)
                .update();
    }

    /** Frees the key of a request that was refused, so a corrected retry may use it. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void release(String key) {
        jdbc.sql("delete from orders.idempotency_key where key = ? and state = 'in_flight'")
                .param(key)
                .update();
    }
}
