package io.orderflow.messaging.deadletter;

import io.orderflow.platform.Modules;
import java.util.List;

/**
 * The dead letters asked for belong to a module this process does not run, or to no module at all. In
 * distributed mode each module's process keeps its own; {@link #servedModules()} says which this one has.
 */
public class ModuleNotServedException extends DeadLetterException {

    private final String module;
    private final List<String> servedModules;

    public ModuleNotServedException(String module, List<String> servedModules) {
        super(
                exists(module)
                        ? "Module '" + module
                                + "' does not run in this process; ask a process that runs it for its dead letters"
                        : "Module '" + module + "' does not exist");
        this.module = module;
        this.servedModules = List.copyOf(servedModules);
    }

    public String module() {
        return module;
    }

    /** False when no module of that name exists (rather than one that runs elsewhere). */
    public boolean moduleExists() {
        return exists(module);
    }

    public List<String> servedModules() {
        return servedModules;
    }

    private static boolean exists(String module) {
        return Modules.ALL.contains(module);
    }
}
