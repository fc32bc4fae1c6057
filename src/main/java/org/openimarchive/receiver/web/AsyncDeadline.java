package org.openimarchive.receiver.web;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.util.function.Consumer;

/**
 * The end of an async cycle that reads a body: its timeout (the body's deadline), or its
 * failure. A class of its own with a public constructor, as an application server (WildFly)
 * installs every {@link AsyncListener} of a WAR as a component it could inject.
 */
public final class AsyncDeadline implements AsyncListener {

    private volatile Runnable expired = () -> { };
    private volatile Consumer<Throwable> failed = t -> { };

    /** Calls {@code expired} at the timeout, {@code failed} when the request fails. */
    AsyncDeadline on(Runnable expired, Consumer<Throwable> failed) {
        this.expired = expired;
        this.failed = failed;
        return this;
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        expired.run();
    }

    @Override
    public void onError(AsyncEvent event) {
        failed.accept(event.getThrowable());
    }

    @Override
    public void onComplete(AsyncEvent event) {
        // the reply went out
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not started again
    }
}
