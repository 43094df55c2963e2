package io.orderflow.tools;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fault switched inside the running application through its chaos controls ({@code POST} and {@code DELETE
 * /api/chaos/faults/{fault}}): on at the injection, off at the heal, no restart involved. What the fault was seen to
 * do (its {@code details}: counts, the breaker's transitions) is read after the drain for the report.
 */
class RuntimeFaultNemesis implements Nemesis {

    private final String fault;
    private final String description;
    private final Map<String, String> parameters;

    RuntimeFaultNemesis(String fault, String description, Map<String, String> parameters) {
        this.fault = fault;
        this.description = description;
        this.parameters = Map.copyOf(parameters);
    }

    @Override
    public String name() {
        return fault;
    }

    @Override
    public String describe() {
        return description;
    }

    /** In every process that offers the fault (distributed mode: e.g. every payment instance). */
    @Override
    public void inject(ChaosSystem system) throws IOException {
        for (ChaosControls controls : system.controlsFor(fault).values()) {
            controls.inject(fault, parameters);
        }
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        for (ChaosControls controls : system.controlsFor(fault).values()) {
            controls.heal(fault);
        }
    }

    /**
     * The fault's details; from several processes, each under its process's name, and every count summed over them
     * (e.g. {@code duplicated}).
     */
    @Override
    public Map<String, Object> observe(ChaosSystem system) throws IOException {
        Map<String, ChaosControls> processes = system.controlsFor(fault);
        if (processes.size() == 1) {
            return Nemesis.details(processes.values().iterator().next().fault(fault));
        }
        Map<String, Object> observed = new LinkedHashMap<>();
        Map<String, Long> totals = new TreeMap<>();
        for (Map.Entry<String, ChaosControls> process : processes.entrySet()) {
            Map<String, Object> details = Nemesis.details(process.getValue().fault(fault));
            details.forEach((key, value) -> {
                if (value instanceof Number n) {
                    totals.merge(key, n.longValue(), Long::sum);
                }
            });
            observed.put(process.getKey(), details);
        }
        Map<String, Object> all = new LinkedHashMap<>(totals);
        all.putAll(observed);
        return all;
    }
}
