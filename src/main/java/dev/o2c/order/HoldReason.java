package dev.o2c.order;

import dev.o2c.infra.CborSerializable;

/**
 * Why an order is on hold, machine-readable: a code (CREDIT_LIMIT_EXCEEDED, CUSTOMER_CREDIT_HOLD,
 * or a rule's reason code), a sentence, and the rule that held it (null for credit reasons).
 */
public record HoldReason(String code, String detail, String rule) implements CborSerializable {}
