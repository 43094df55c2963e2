package io.orderflow.order;

import io.orderflow.order.analytics.ReplayCommand;

/**
 * {@code java -jar orderflow.jar replay <projection> ...}: the order module's command line, dispatched by
 * {@code OrderflowApplication.main} before Spring starts (see {@link ReplayCommand}).
 */
public final class ReplayTool {

    private ReplayTool() {}

    public static boolean handles(String[] args) {
        return ReplayCommand.handles(args);
    }

    /** Runs the command and returns its exit code. */
    public static int run(String[] args) {
        return ReplayCommand.run(args, System.out, System.err);
    }
}
