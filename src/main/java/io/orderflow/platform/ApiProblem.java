package io.orderflow.platform;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** A client error that a module raises on purpose; rendered as RFC 9457 problem+json. */
public class ApiProblem extends RuntimeException {

    private final ProblemDetail problem;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ApiProblem(HttpStatus status, String type, String detail) {
        this(status, type, detail, Map.of());
    }

    public ApiProblem(HttpStatus status, String type, String detail, Map<String, Object> properties) {
        super(detail);
        this.problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://orderflow.io/problems/" + type));
        problem.setTitle(status.getReasonPhrase());
        properties.forEach(problem::setProperty);
    }

    /** A 400 naming one field, shaped like the framework's validation errors. */
    public static ApiProblem invalid(String field, String message) {
        ApiProblem problem = new ApiProblem(
                HttpStatus.BAD_REQUEST,
                "validation",
                "Request is not valid",
                Map.of("errors", List.of(Map.of("field", field, "message", message))));
        problem.problem().setTitle("Validation failed");
        return problem;
    }

    public static ApiProblem notFound(String what, String id) {
        return new ApiProblem(HttpStatus.NOT_FOUND, "not-found", what + " '" + id + "' does not exist");
    }

    public ProblemDetail problem() {
        return problem;
    }

    /** Adds a response header (e.g. {@code Retry-After}) to the error response. */
    public ApiProblem withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
