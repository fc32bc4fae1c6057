package org.openimarchive.receiver.config;

import java.util.List;

/** Configuration that cannot work: thrown at start-up, naming every parameter at fault. */
public final class InvalidConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    InvalidConfigurationException(List<String> problems) {
        super("OpenIM callback receiver not started, invalid configuration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One entry per fault, each starting with the parameter's name. */
    public List<String> problems() {
        return problems;
    }
}
