package io.orderflow.messaging;

/**
 * A participant's step that only reads its module's data: it changes nothing and leaves nothing to undo. Where
 * the participant runs in the sender's process, on the same database, the sender may take the answer in its own
 * transaction instead of sending the command and waiting for the reply: the same answer the participant would
 * have sent, two deliveries and two commits fewer. Declared as a bean by the participant's module, so it exists
 * only in a process that runs that module; elsewhere the command travels as a message, as before.
 *
 * @param <C> the command the step answers
 * @param <R> the participant's reply type
 */
public interface ReadOnlyStep<C, R> {

    /** The command this step answers. */
    Class<C> command();

    /** The reply the participant would send for {@code command}; reads in the caller's transaction. */
    R answer(C command);
}
