package io.orderflow.operations;

import io.orderflow.messaging.ChaosFault;
import io.orderflow.platform.ApiProblem;
import io.orderflow.platform.ConditionalOnAnyModule;
import jakarta.validation.constraints.Size;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chaos harness's runtime controls (docs/reliability.md): {@code GET /api/chaos/faults} lists this process's
 * faults and what they did, {@code POST /api/chaos/faults/{name}} switches one on (or does a one-shot one; its
 * parameters as query parameters), {@code DELETE} switches it off. Exists only with
 * {@code orderflow.chaos.controls-enabled=true} (otherwise these paths answer 404), and like every path not opened
 * in the platform's security rules, only operators reach it. Never for production.
 */
@RestController
@ConditionalOnAnyModule
@ConditionalOnBooleanProperty(ChaosFault.CONTROLS_ENABLED)
@RequestMapping("/api/chaos/faults")
class ChaosController {

    private static final Logger log = LoggerFactory.getLogger(ChaosController.class);

    private final Map<String, ChaosFault> faults = new TreeMap<>();

    ChaosController(List<ChaosFault> faults) {
        faults.forEach(f -> this.faults.put(f.name(), f));
        log.warn(
                "{} is set: operators can inject the faults {} at /api/chaos/faults. For the chaos harness; never in "
                        + "production",
                ChaosFault.CONTROLS_ENABLED,
                this.faults.keySet());
    }

    @GetMapping
    List<Map<String, Object>> list() {
        return faults.values().stream().map(ChaosController::view).toList();
    }

    @GetMapping("/{name}")
    Map<String, Object> get(@PathVariable @Size(max = 32) String name) {
        return view(fault(name));
    }

    @PostMapping("/{name}")
    Map<String, Object> inject(
            @PathVariable @Size(max = 32) String name, @RequestParam Map<String, String> parameters) {
        ChaosFault fault = fault(name);
        Map<String, Object> done;
        try {
            done = fault.inject(parameters);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(name, String.valueOf(e.getMessage()));
        } catch (IllegalStateException e) {
            throw new ApiProblem(HttpStatus.CONFLICT, "chaos-fault-unavailable", String.valueOf(e.getMessage()));
        }
        log.warn("chaos fault {} injected {}: {}", name, parameters, done);
        Map<String, Object> answer = view(fault);
        answer.put("injected", done);
        return answer;
    }

    @DeleteMapping("/{name}")
    Map<String, Object> heal(@PathVariable @Size(max = 32) String name) {
        ChaosFault fault = fault(name);
        fault.heal();
        log.warn("chaos fault {} healed: {}", name, fault.details());
        return view(fault);
    }

    private ChaosFault fault(String name) {
        ChaosFault fault = faults.get(name);
        if (fault == null) {
            throw ApiProblem.notFound("chaos fault", name);
        }
        return fault;
    }

    private static Map<String, Object> view(ChaosFault fault) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", fault.name());
        view.put("active", fault.active());
        view.put("description", fault.description());
        view.put("details", fault.details());
        return view;
    }
}
