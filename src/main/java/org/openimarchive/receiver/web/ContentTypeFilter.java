package org.openimarchive.receiver.web;

/** Refuses with 415 a body that is not {@code application/json} in UTF-8. */
public final class ContentTypeFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;

    public ContentTypeFilter() {
        super(FilterChainOrder.CONTENT_TYPE);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        String fault = ContentTypes.checkJson(exchange.request().getContentType());
        if (fault == null) {
            return true;
        }
        exchange.refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, fault);
        return false;
    }
}
