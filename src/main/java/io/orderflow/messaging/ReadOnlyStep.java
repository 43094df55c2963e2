package io.orderflow.messaging;

import java.util.Optional;

/**
 * A participant's step that only reads its module's data: it changes nothing and leaves nothing to undo. Where the
 * sender can ask the participant directly, the sender may take the answer before it records its decision instead of
 * sending the command and waiting for the reply: the same answer the participant would have sent, two deliveries
 * and two commits fewer. Declared as a bean by the participant's module: in a process that runs the module, an
 * answer read in this process; elsewhere, where the module says how to reach it, an answer asked over HTTP (which may
 * not come). Without an answer the command travels as a message, as before.
 *
 * @param <C> the command the step answers
 * @param <R> the participant's reply type
 */
public interface ReadOnlyStep<C, R> {

    /** The command this step answers. */
    Class<C> command();

    /**
     * The reply the participant would send for {@code command}, or empty when it could not be had in time (a remote
     * participant that did not answer): the command is then sent as a message.
     */
    Optional<R> answer(C command);
}
