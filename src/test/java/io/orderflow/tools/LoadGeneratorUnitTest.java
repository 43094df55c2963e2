package io.orderflow.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import org.junit.jupiter.api.Test;

class LoadGeneratorUnitTest {

    @Test
    void tellsAConnectionNotMadeInTimeFromAnAnswerNotGivenInTime() {
        assertThat(LoadGenerator.errorKind(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo("connect_timeout");
        assertThat(LoadGenerator.errorKind(new HttpTimeoutException("request timed out")))
                .isEqualTo("timeout");
    }

    @Test
    void namesARefusedConnectionAndAnyOtherFailureByItsKind() {
        assertThat(LoadGenerator.errorKind(new ConnectException("Connection refused")))
                .isEqualTo("connect_refused");
        assertThat(LoadGenerator.errorKind(new IOException("connection reset"))).isEqualTo("io_IOException");
    }
}
