package dev.o2c.reporting;

import java.time.Instant;

/**
 * Something a person should look at: raised by an ALERT automation rule (kind ORDER_RULE) or by
 * dunning. {@code alertId} is made from what raised it, so that a replayed event rewrites the
 * same alert instead of adding one.
 */
public record Alert(
    String alertId, String kind, Instant raisedAt, String rule, String message, String orderId, String customerId,
    String invoiceId) {}
