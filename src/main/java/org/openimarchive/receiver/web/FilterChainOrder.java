package org.openimarchive.receiver.web;

/**
 * The filters of web.xml's callback chain, in the one order that works: each stage relies on
 * the one before it (the audit filter records and answers what the others decide, the body
 * is read within its limits before it is bound). Every filter checks that it runs right
 * after its predecessor, and a chain in another order fails every request with
 * {@link #MESSAGE}.
 */
enum FilterChainOrder {
    AUDIT("audit"),
    SOURCE_ALLOWLIST("sourceAllowlist"),
    ROUTE("route"),
    CONTENT_TYPE("contentType"),
    BODY_SIZE("bodySize"),
    JSON_BINDING("jsonBinding"),
    /** Not a filter: the callback servlet, after the whole chain. */
    SERVLET("callback");

    /** What is wrong, whichever stage finds it. */
    static final String MESSAGE = "web.xml's filter chain for the callback servlet must be, in this order: "
            + "audit, sourceAllowlist, route, contentType, bodySize, jsonBinding";

    /** {@link #values()}, which copies its array at every call, taken once. */
    private static final FilterChainOrder[] ORDER = values();

    private final String filterName;

    FilterChainOrder(String filterName) {
        this.filterName = filterName;
    }

    /** The name web.xml gives the filter (or the servlet). */
    String filterName() {
        return filterName;
    }

    /** The stage that must have run just before this one, or null for the first. */
    FilterChainOrder previous() {
        return ordinal() == 0 ? null : ORDER[ordinal() - 1];
    }
}
