package io.orderflow.order.analytics;

import io.orderflow.platform.ApiProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The projections of the order history (operator only): where each stands, and replay, which rebuilds one from the
 * events and swaps it in while the API keeps serving (answers when done, with the comparison of the rebuilt tables
 * and the live ones).
 */
@RestController
@RequestMapping("/api/projections")
class ProjectionsController {

    private final Projections projections;

    ProjectionsController(Projections projections) {
        this.projections = projections;
    }

    @GetMapping
    Map<String, List<Projections.Status>> list() {
        return Map.of(
                "projections",
                projections.names().stream().map(projections::status).toList());
    }

    @GetMapping("/{name}")
    Projections.Status status(@PathVariable String name) {
        return projections.status(known(name));
    }

    @PostMapping("/{name}/replay")
    Projections.ReplayResult replay(@PathVariable String name) {
        try {
            return projections.replay(known(name));
        } catch (Projections.ReplayRunningException e) {
            throw new ApiProblem(
                    HttpStatus.CONFLICT, "replay-running", "A replay of projection '" + name + "' is already running");
        }
    }

    private String known(String name) {
        if (projections.find(name).isEmpty()) {
            throw new ApiProblem(
                    HttpStatus.NOT_FOUND,
                    "projection-not-found",
                    "There is no projection '" + name + "'; there are: " + String.join(", ", projections.names()),
                    Map.of("projections", projections.names()));
        }
        return name;
    }
}
