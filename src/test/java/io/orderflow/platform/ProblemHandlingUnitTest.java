package io.orderflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

class ProblemHandlingUnitTest {

    @Test
    void namesInvalidFieldsInSnakeCaseAsTheyAppearOnTheWire() {
        assertThat(ProblemHandling.toSnakeCase("items[0].unitPrice")).isEqualTo("items[0].unit_price");
        assertThat(ProblemHandling.toSnakeCase("shippingAddress.postalCode")).isEqualTo("shipping_address.postal_code");
        assertThat(ProblemHandling.toSnakeCase("customerEmail")).isEqualTo("customer_email");
    }

    @Test
    void namesFieldsTheSameWayWhateverTheServersLocale() {
        Locale before = Locale.getDefault();
        try {
            // in Turkish, "I".toLowerCase() is the dotless \u0131
            Locale.setDefault(Locale.forLanguageTag("tr-TR"));

            assertThat(ProblemHandling.toSnakeCase("orderId")).isEqualTo("order_id");
        } finally {
            Locale.setDefault(before);
        }
    }

    static Stream<RuntimeException> databaseFailures() {
        return Stream.of(
                new CannotGetJdbcConnectionException("no connection", new SQLException("refused")),
                new CannotCreateTransactionException("could not open a connection"),
                new TransactionSystemException("could not roll back: the connection was lost"),
                new QueryTimeoutException("statement timeout"),
                new OptimisticLockingFailureException("order kept changing under us"));
    }

    /** A crashed or restarting database is not a bug: the client hears 503 and when to try again, not 500. */
    @ParameterizedTest
    @MethodSource("databaseFailures")
    void answersADatabaseOutageWith503AndWhenToTryAgain(RuntimeException failure) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/orders");

        ResponseEntity<ProblemDetail> answer = new ProblemHandling().databaseUnavailable(failure, request);

        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("2");
        assertThat(answer.getBody()).isNotNull();
        assertThat(answer.getBody().getType().toString())
                .isEqualTo("https://orderflow.io/problems/database-unavailable");
        assertThat(answer.getBody().getDetail()).contains("Idempotency-Key");
    }
}
