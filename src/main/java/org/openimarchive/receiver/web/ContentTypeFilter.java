package org.openimarchive.receiver.web;

/**
 * Refuses with 415 a message callback whose body is not {@code application/json} in UTF-8.
 * Another webhook is passed on whatever its type.
 */
public final class ContentTypeFilter extends CheckFilter {

    private static final long serialVersionUID = 1L;

    public ContentTypeFilter() {
        super(FilterChainOrder.CONTENT_TYPE);
    }

    @Override
    boolean check(CallbackExchange exchange) {
        if (exchange.isOtherWebhook()) {
            return true; // passed on whatever it holds: a refusal would block OpenIM's "before" webhooks
        }
        String fault = ContentTypes.checkJson(exchange.request().getContentType());
        if (fault == null) {
            return true;
        }
        exchange.refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, fault);
        return false;
    }
}
