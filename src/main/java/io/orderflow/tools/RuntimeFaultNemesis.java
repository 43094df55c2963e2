package io.orderflow.tools;

import java.io.IOException;
import java.util.Map;

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

    @Override
    public void inject(ChaosSystem system) throws IOException {
        system.controls.inject(fault, parameters);
    }

    @Override
    public void heal(ChaosSystem system) throws IOException {
        system.controls.heal(fault);
    }

    @Override
    public Map<String, Object> observe(ChaosSystem system) throws IOException {
        return Nemesis.details(system.controls.fault(fault));
    }
}
